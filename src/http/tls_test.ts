import assert from "node:assert/strict";
import { fixtureCertificates } from "../../tests/fixture_certificates.ts";
import { defaultSiteConfig, type SiteConfig } from "../config/schema.ts";
import { fakeContext } from "../../tests/fake_context.ts";
import { tlsSettings } from "./tls.ts";

function siteConfig(overrides: Partial<SiteConfig> = {}): SiteConfig {
  return { site: "test", ...defaultSiteConfig("/nonexistent-home"), ...overrides };
}

Deno.test("ssl_verify true needs nothing extra; false means no verification", async () => {
  const context = fakeContext();
  assert.deepEqual(await tlsSettings(context, siteConfig()), {
    insecure: false,
    caCerts: [],
    truststore: false,
  });
  assert.equal((await tlsSettings(context, siteConfig({ ssl_verify: false }))).insecure, true);
});

Deno.test("a CA bundle path is read; a file without certificates is refused", async () => {
  const certs = fixtureCertificates();
  const context = fakeContext();
  const settings = await tlsSettings(context, siteConfig({ ssl_verify: certs.caPath }));
  assert.deepEqual(settings.caCerts, [certs.caPem]);
  await assert.rejects(tlsSettings(context, siteConfig({ ssl_verify: certs.keyPath })), {
    name: "ConfigError",
    message: `The CA bundle ${certs.keyPath} (ssl_verify) holds no PEM certificate`,
  });
});

Deno.test("a folder of CA files (OpenSSL's capath, as requests takes it) gives their certificates", async () => {
  const certs = fixtureCertificates();
  const dir = await Deno.makeTempDir({ prefix: "anaconda-tls-test-" });
  try {
    const folder = `${dir}/capath`;
    await Deno.mkdir(folder);
    await Deno.writeTextFile(`${folder}/b.0`, certs.caPem);
    await Deno.writeTextFile(`${folder}/a-notes.txt`, "not a certificate");
    const settings = await tlsSettings(fakeContext(), siteConfig({ ssl_verify: folder }));
    assert.deepEqual(settings.caCerts, [certs.caPem]);
    await Deno.remove(`${folder}/b.0`);
    await assert.rejects(tlsSettings(fakeContext(), siteConfig({ ssl_verify: folder })), {
      name: "ConfigError",
      message: `The CA folder ${folder} (ssl_verify) holds no PEM certificate`,
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a client certificate takes its key from client_cert_key or from the same file", async () => {
  const certs = fixtureCertificates();
  const dir = await Deno.makeTempDir({ prefix: "anaconda-tls-test-" });
  try {
    const context = fakeContext();
    const separate = await tlsSettings(
      context,
      siteConfig({ client_cert: certs.certPath, client_cert_key: certs.keyPath }),
    );
    assert.equal(separate.cert, certs.certPem);
    assert.equal(separate.key?.trim(), certs.keyPem.trim());

    const combined = `${dir}/combined.pem`;
    await Deno.writeTextFile(combined, certs.certPem + certs.keyPem);
    const both = await tlsSettings(context, siteConfig({ client_cert: combined }));
    assert.equal(both.key?.trim(), certs.keyPem.trim());

    await assert.rejects(tlsSettings(context, siteConfig({ client_cert: certs.certPath })), {
      name: "ConfigError",
      message: `The client certificate ${certs.certPath} holds no private key: set client_cert_key`,
    });
    await assert.rejects(tlsSettings(context, siteConfig({ client_cert_key: certs.keyPath })), {
      name: "ConfigError",
      message: "client_cert_key is set but client_cert is not",
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
