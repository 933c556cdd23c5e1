import assert from "node:assert/strict";
import { classifyTlsError } from "./tls_check.ts";

Deno.test("classifyTlsError reads rustls' and OpenSSL's words", () => {
  const cases: [string, ReturnType<typeof classifyTlsError>][] = [
    ["TLS error: invalid peer certificate: UnknownIssuer; if the site uses", "unknown-issuer"],
    ["invalid peer certificate: CaUsedAsEndEntity", "unknown-issuer"],
    ["self-signed certificate in certificate chain", "unknown-issuer"],
    ["invalid peer certificate: Expired", "expired"],
    ["CERT_HAS_EXPIRED", "expired"],
    ["invalid peer certificate: NotValidYet", "not-yet-valid"],
    [
      'invalid peer certificate: certificate not valid for name "127.0.0.1"; certificate is ' +
      'only valid for DnsName("other.example")',
      "wrong-name",
    ],
    ["Hostname/IP does not match certificate's altnames", "wrong-name"],
    ["received corrupt message of type InvalidContentType", "other"],
  ];
  for (const [text, kind] of cases) assert.equal(classifyTlsError(text), kind, text);
});
