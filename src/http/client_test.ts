import assert from "node:assert/strict";
import { Client, describeNetworkError, isOlderApiVersion } from "./client.ts";
import { defaultSiteConfig, type SiteConfig } from "../config/schema.ts";
import { fakeContext } from "../../tests/fake_context.ts";

function siteConfig(overrides: Partial<SiteConfig> = {}): SiteConfig {
  return { site: "test", ...defaultSiteConfig("/nonexistent-home"), ...overrides };
}

function fetchError(message: string): Error {
  return new TypeError("fetch failed", {
    cause: new Error(`error sending request for url (https://a.test/x): ${message}`),
  });
}

Deno.test("network errors are classified by cause: DNS, refused, TLS, reset", () => {
  const dns = describeNetworkError(
    fetchError(
      "client error (Connect): dns error: failed to lookup address information: Name or service not known",
    ),
    "a.test",
  );
  assert.deepEqual(dns, {
    kind: "dns",
    detail: "cannot resolve host a.test (Name or service not known)",
  });
  const refused = describeNetworkError(
    fetchError("client error (Connect): tcp connect error: Connection refused (os error 111)"),
    "a.test",
  );
  assert.deepEqual(refused, { kind: "refused", detail: "connection refused" });
  const tls = describeNetworkError(
    fetchError("client error (Connect): invalid peer certificate: UnknownIssuer"),
    "a.test",
  );
  assert.equal(tls.kind, "tls");
  assert.match(tls.detail, /^TLS error: invalid peer certificate: UnknownIssuer; .*ssl_verify/);
  const expired = describeNetworkError(
    fetchError("client error (Connect): invalid peer certificate: Expired"),
    "a.test",
  );
  assert.equal(expired.detail, "TLS error: invalid peer certificate: Expired");
  const node = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), {
    code: "ECONNREFUSED",
  });
  assert.equal(describeNetworkError(node, "a.test").kind, "refused");
  const nodeDns = Object.assign(new Error("getaddrinfo ENOTFOUND a.test"), { code: "ENOTFOUND" });
  assert.equal(describeNetworkError(nodeDns, "a.test").kind, "dns");
  const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
  assert.equal(describeNetworkError(reset, "a.test").kind, "reset");
});

Deno.test("API versions compare as semver with leading zeros dropped", () => {
  assert.equal(isOlderApiVersion("1.0.0", "2.0.0"), true);
  assert.equal(isOlderApiVersion("2023.01.09", "2023.1.10"), true);
  assert.equal(isOlderApiVersion("2023.1.10", "2023.01.10"), false);
  assert.equal(isOlderApiVersion("2.0.0", "1.9.9"), false);
  assert.equal(isOlderApiVersion("1.0.0-rc1", "1.0.0"), true);
  assert.equal(isOlderApiVersion("1.0", "2.0.0"), false, "not semver: no warning");
});

Deno.test("network errors from the context's fetch become NetworkError with the URL", async () => {
  const context = fakeContext({
    fetch: () =>
      Promise.reject(
        fetchError("client error (Connect): tcp connect error: Connection refused (os error 111)"),
      ),
  });
  const client = new Client({ context, config: siteConfig({ domain: "a.test" }), auth: false });
  await assert.rejects(client.request("/api/account?client_token=xyz"), {
    name: "NetworkError",
    message:
      "Request to https://a.test/api/account?client_token=REDACTED failed: connection refused",
  });
});

Deno.test("the Bearer source is asked once per client and can be replaced", async () => {
  let asked = 0;
  const seen: (string | null)[] = [];
  const context = fakeContext({
    fetch: (_url, init) => {
      seen.push(new Headers(init?.headers).get("Authorization"));
      return Promise.resolve(
        new Response("{}", { headers: { "Content-Type": "application/json" } }),
      );
    },
  });
  const client = new Client({
    context,
    config: siteConfig(),
    apiKey: () => {
      asked++;
      return Promise.resolve("k-1234");
    },
  });
  await client.getJson("/a");
  await client.getJson("/b");
  await client.getJson("/c", { auth: false });
  assert.equal(asked, 1);
  assert.deepEqual(seen, ["Bearer k-1234", "Bearer k-1234", null]);
});
