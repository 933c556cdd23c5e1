import assert from "node:assert/strict";
import { fixtureCertificates } from "../../tests/fixture_certificates.ts";
import { defaultSiteConfig } from "../config/schema.ts";
import { fakeContext } from "../../tests/fake_context.ts";
import { fakeSpawn } from "../../tests/fake_spawn.ts";
import { MACOS_KEYCHAINS, systemRootCertificates, WINDOWS_ROOTS_SCRIPT } from "./system_roots.ts";
import { tlsSettings } from "./tls.ts";

const PEM_A = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----";
const PEM_B = "-----BEGIN CERTIFICATE-----\nBBBB\n-----END CERTIFICATE-----";

Deno.test("truststore on macOS: the System Roots and System keychains, through security", async () => {
  const { spawn, calls } = fakeSpawn([{ code: 0, stdout: `${PEM_A}\n${PEM_B}\n`, stderr: "" }]);
  const context = fakeContext({ os: "darwin", spawn });
  assert.deepEqual(await systemRootCertificates(context), [PEM_A, PEM_B]);
  assert.deepEqual(calls.map((call) => [call.program, call.args]), [
    ["security", ["find-certificate", "-a", "-p", ...MACOS_KEYCHAINS]],
  ]);
});

Deno.test("truststore on Windows: the machine's and user's Root stores, through PowerShell", async () => {
  const { spawn, calls } = fakeSpawn([{ code: 0, stdout: `${PEM_A}\r\n`, stderr: "" }]);
  const context = fakeContext({ os: "windows", spawn });
  assert.deepEqual(await systemRootCertificates(context), [PEM_A]);
  assert.deepEqual(calls[0]?.args, [
    "-NoProfile",
    "-NonInteractive",
    "-Command",
    WINDOWS_ROOTS_SCRIPT,
  ]);
});

Deno.test("a trust store that cannot be listed is a ConfigError naming the program", async () => {
  const missing = fakeSpawn([new Deno.errors.NotFound("no such program")]);
  await assert.rejects(
    systemRootCertificates(fakeContext({ os: "darwin", spawn: missing.spawn })),
    {
      name: "ConfigError",
      message: "Cannot read the system trust store (ssl_verify = truststore): security: " +
        "it is not installed",
    },
  );
  const failing = fakeSpawn([{ code: 51, stdout: "", stderr: "keychain locked\nmore" }]);
  await assert.rejects(
    systemRootCertificates(fakeContext({ os: "darwin", spawn: failing.spawn })),
    {
      name: "ConfigError",
      message: "Cannot read the system trust store (ssl_verify = truststore): security exited " +
        "with code 51: keychain locked",
    },
  );
});

Deno.test("SSL_CERT_FILE replaces the system's list; missing or empty is an error naming it", async () => {
  const certs = fixtureCertificates();
  const withFile = fakeContext({ os: "darwin", env: { SSL_CERT_FILE: certs.caPath } });
  assert.deepEqual(await systemRootCertificates(withFile), [certs.caPem.trim()]);
  await assert.rejects(
    systemRootCertificates(fakeContext({ env: { SSL_CERT_FILE: `${certs.dir}/none.pem` } })),
    { message: `Cannot read the CA bundle ${certs.dir}/none.pem (SSL_CERT_FILE): no such file` },
  );
  await assert.rejects(
    systemRootCertificates(fakeContext({ env: { SSL_CERT_FILE: certs.keyPath } })),
    { message: `The CA bundle ${certs.keyPath} (SSL_CERT_FILE) holds no PEM certificate` },
  );
});

Deno.test("truststore changes nothing process-wide: no DENO_TLS_CA_STORE in the environment", async () => {
  const before = Deno.env.get("DENO_TLS_CA_STORE");
  const certs = fixtureCertificates();
  const context = fakeContext({ env: { SSL_CERT_FILE: certs.caPath } });
  const config = { site: "t", ...defaultSiteConfig("/nonexistent"), ssl_verify: "truststore" };
  const settings = await tlsSettings(context, config);
  assert.equal(Deno.env.get("DENO_TLS_CA_STORE"), before);
  assert.deepEqual(settings.caCerts, [certs.caPem.trim()]);
});
