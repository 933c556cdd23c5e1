/**
 * The committed test certificates of `tests/fixtures/tls/` (made by its `make.sh`): a CA and a
 * server certificate for localhost, 127.0.0.1 and ::1, valid from 2000 to 2100. Tests beside
 * the code use them for TLS so that they run no `openssl`; end-to-end tests and the stand-in's
 * own start-up make fresh ones with `scripts/test_ca.ts`. Only tests trust this CA.
 * @module
 */
import { fileURLToPath } from "node:url";
import type { TestCertificates } from "../scripts/test_ca.ts";

const DIR = fileURLToPath(new URL("./fixtures/tls/", import.meta.url)).replace(/[\\/]$/, "");

/**
 * The fixture certificates, in the shape `createTestCertificates()` gives; `remove()` does
 * nothing (the files are part of the repository).
 */
export function fixtureCertificates(): TestCertificates {
  const caPath = `${DIR}/ca.pem`;
  const certPath = `${DIR}/server.pem`;
  const keyPath = `${DIR}/server.key`;
  return {
    dir: DIR,
    caPath,
    caPem: Deno.readTextFileSync(caPath),
    certPath,
    keyPath,
    certPem: Deno.readTextFileSync(certPath),
    keyPem: Deno.readTextFileSync(keyPath),
    remove: () => Promise.resolve(),
  };
}
