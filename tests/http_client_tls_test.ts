/**
 * The HTTP client's TLS where the test needs another program: `truststore` (the OS trust store,
 * here `SSL_CERT_FILE`) read by a fresh Deno process, and a client certificate presented to
 * `openssl s_server`, which demands one. The other client tests sit beside the code
 * (src/http/client_*_test.ts).
 * @module
 */
import assert from "node:assert/strict";
import { createTestCertificates, type TestCertificates } from "../scripts/test_ca.ts";
import { Client } from "../src/http/client.ts";
import { NetworkError } from "../src/http/errors.ts";
import type { SiteConfig } from "../src/config/schema.ts";
import {
  closedPort,
  realContext,
  rejection,
  siteConfig,
  withServer,
} from "./http_client_support.ts";
import { NO_OPENSSL, unlessWine } from "./wine.ts";

Deno.test("truststore uses the OS trust store (here SSL_CERT_FILE pointing at the test CA)", async () => {
  await withServer({}, async (server) => {
    const code = `
      import { Client } from ${
      JSON.stringify(new URL("../src/http/client.ts", import.meta.url).href)
    };
      import { denoContext } from ${
      JSON.stringify(new URL("../src/context.ts", import.meta.url).href)
    };
      import { defaultSiteConfig } from ${
      JSON.stringify(new URL("../src/config/schema.ts", import.meta.url).href)
    };
      const config = { site: "t", ...defaultSiteConfig("/nonexistent"), domain: Deno.args[0], ssl_verify: Deno.args[1] === "true" ? true : "truststore" };
      const client = new Client({ context: denoContext(), config });
      try {
        const response = await client.request("/.well-known/openid-configuration");
        console.log(response.status, (await response.json()).issuer);
      } catch (err) {
        console.log(err.name, err.kind);
      }
    `;
    const run = async (mode: string) => {
      const output = await new Deno.Command(Deno.execPath(), {
        args: ["eval", "--quiet", code, server.domain, mode],
        env: { SSL_CERT_FILE: server.caPath ?? "", NO_COLOR: "1" },
        stdin: "null",
      }).output();
      return new TextDecoder().decode(output.stdout).trim();
    };
    assert.equal(await run("truststore"), `200 ${server.url}`);
    assert.equal(await run("true"), "NetworkError tls");
  });
});

/** `openssl s_server` demanding a client certificate; its page says whether one came. */
async function mutualTlsServer(certs: TestCertificates, connections: number) {
  const port = closedPort();
  const child = new Deno.Command("openssl", {
    args: [
      "s_server",
      "-accept",
      `127.0.0.1:${port}`,
      "-cert",
      certs.certPath,
      "-key",
      certs.keyPath,
      "-CAfile",
      certs.caPath,
      "-Verify",
      "1",
      "-www",
      "-naccept",
      String(connections),
    ],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  // Wait until it listens: generous on a loaded machine, and fail at once if it exited.
  let exited = false;
  void child.status.then(() => {
    exited = true;
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      break;
    } catch (err) {
      if (exited) throw new Error(`openssl s_server did not start on port ${port}`);
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  return {
    domain: `127.0.0.1:${port}`,
    async close() {
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
      await child.status;
    },
  };
}

Deno.test({
  ...unlessWine(
    "client_cert and client_cert_key are presented to a server that demands them",
    NO_OPENSSL,
  ),
}, async () => {
  const certs = await createTestCertificates();
  // One connection for the readiness probe, then three requests.
  const server = await mutualTlsServer(certs, 4);
  try {
    const client = (overrides: Partial<SiteConfig>) =>
      new Client({
        context: realContext(),
        config: siteConfig({ domain: server.domain, ssl_verify: certs.caPath, ...overrides }),
      });
    for (const ssl_verify of [certs.caPath, false]) {
      const withCert = client({
        client_cert: certs.certPath,
        client_cert_key: certs.keyPath,
        ssl_verify,
      });
      try {
        const response = await withCert.request("/");
        assert.equal(response.status, 200);
        assert.match(await response.text(), /Client certificate/);
      } finally {
        withCert.close();
      }
    }
    const without = client({});
    const err = await rejection(without.request("/"));
    without.close();
    assert.ok(err instanceof NetworkError);
    assert.equal(err.kind, "tls");
    assert.match(err.message, /CertificateRequired/);
  } finally {
    await server.close();
    await certs.remove();
  }
});
