import assert from "node:assert/strict";
import type { Notice } from "../context.ts";
import { isOlderApiVersion, warnIfApiTooOld } from "./api_version.ts";

Deno.test("API versions compare as semver with leading zeros dropped", () => {
  assert.equal(isOlderApiVersion("1.0.0", "2.0.0"), true);
  assert.equal(isOlderApiVersion("2023.01.09", "2023.1.10"), true);
  assert.equal(isOlderApiVersion("2023.1.10", "2023.01.10"), false);
  assert.equal(isOlderApiVersion("2.0.0", "1.9.9"), false);
  assert.equal(isOlderApiVersion("1.0.0-rc1", "1.0.0"), true);
  assert.equal(isOlderApiVersion("1.0", "2.0.0"), false, "not semver: no warning");
});

Deno.test("a Min-Api-Version above the client's version is one deprecation notice per client", () => {
  const notices: Notice[] = [];
  const to = { notify: (notice: Notice) => void notices.push(notice), warned: new Set<string>() };
  const headers = new Headers({ "Min-Api-Version": "7.0.0" });
  warnIfApiTooOld(headers, "6.9.9", to);
  warnIfApiTooOld(headers, "6.9.9", to);
  warnIfApiTooOld(headers, "7.0.0", to);
  warnIfApiTooOld(headers, null, to);
  warnIfApiTooOld(new Headers(), "6.9.9", to);
  assert.deepEqual(notices, [{
    level: "deprecation",
    message:
      "Client API version is 6.9.9, minimum supported API version is 7.0.0. You may need to update your client.",
  }]);
});
