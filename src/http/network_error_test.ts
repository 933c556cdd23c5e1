import assert from "node:assert/strict";
import { describeNetworkError, toNetworkError } from "./network_error.ts";

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

Deno.test("a network error names the URL with its secrets hidden, and the proxy in the way", () => {
  const err = toNetworkError(
    fetchError("client error (Connect): tcp connect error: Connection refused (os error 111)"),
    {
      url: "https://a.test/x?token=abc",
      shownUrl: "https://a.test/x?token=REDACTED",
      proxyUrl: "http://proxy.test:3128",
    },
  );
  assert.equal(err.kind, "refused");
  assert.equal(
    err.message,
    "Request to https://a.test/x?token=REDACTED failed: connection refused " +
      "(through the proxy http://proxy.test:3128)",
  );
});
