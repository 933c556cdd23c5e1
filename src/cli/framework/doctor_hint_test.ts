import assert from "node:assert/strict";
import { ConfigError, StoreError } from "../../errors.ts";
import { NetworkError } from "../../http/errors.ts";
import { TokenValidationError } from "../../conda/errors.ts";
import { DOCTOR_HINT, reportError, suggestsDoctor } from "./errors.ts";

Deno.test("suggestsDoctor: network (TLS included) and storage errors, also when wrapped", () => {
  const tls = new NetworkError("https://x/", "tls", "TLS error: UnknownIssuer");
  assert.equal(suggestsDoctor(tls), true);
  assert.equal(suggestsDoctor(new StoreError("locked")), true);
  assert.equal(
    suggestsDoctor(new TokenValidationError("could not be validated", { cause: tls })),
    true,
  );
  assert.equal(suggestsDoctor(new ConfigError("bad value")), false);
  assert.equal(suggestsDoctor(new TokenValidationError("403")), false);
  assert.equal(suggestsDoctor("text"), false);
});

Deno.test("reportError ends a network error with the one hint line", () => {
  let text = "";
  const code = reportError(
    new NetworkError("https://x/", "refused", "connection refused"),
    { write: (chunk) => void (text += chunk) },
    false,
  );
  assert.equal(code, 1);
  assert.equal(
    text,
    `NetworkError: Request to https://x/ failed: connection refused\n${DOCTOR_HINT}\n`,
  );
});
