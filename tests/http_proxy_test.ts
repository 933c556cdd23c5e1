/**
 * Proxies, with TLS verification on and off: every request goes through the configured
 * proxy (the target's host name is known only to the proxy, so a request that bypassed
 * it could not connect), and proxy credentials of any script reach the proxy.
 */
import assert from "node:assert/strict";
import { startDevServer } from "../scripts/stand_in/server.ts";
import { createTestCertificates } from "../scripts/test_ca.ts";
import { Client } from "../src/http/client.ts";
import { defaultSiteConfig, type SiteConfig } from "../src/config/schema.ts";
import { connectProxy } from "./connect_proxy.ts";
import { fakeContext } from "./fake_context.ts";
import { NO_OPENSSL, unlessWine } from "./wine.ts";

/** A host name that no resolver knows: only the test proxy maps it (to 127.0.0.1). */
const HIDDEN_HOST = "only-via-proxy.invalid";

async function hiddenServer() {
  const certificates = await createTestCertificates({ hostnames: [HIDDEN_HOST] });
  const server = await startDevServer({ certificates });
  const port = server.domain.split(":")[1];
  return {
    server,
    caPath: certificates.caPath,
    domain: `${HIDDEN_HOST}:${port}`,
    async close() {
      await server.close();
      await certificates.remove();
    },
  };
}

function client(config: Partial<SiteConfig>, apiKey?: string): Client {
  return new Client({
    context: fakeContext({ fetch: globalThis.fetch, now: Date.now() }),
    config: { site: "test", ...defaultSiteConfig("/nonexistent-home"), ...config },
    ...(apiKey === undefined ? {} : { apiKey }),
  });
}

Deno.test({
  // A certificate for the proxied host, made with openssl.
  ...unlessWine(
    "with a proxy, requests and their API key go through it, verification on or off",
    NO_OPENSSL,
  ),
}, async () => {
  const target = await hiddenServer();
  const proxy = connectProxy({ hosts: { [HIDDEN_HOST]: "127.0.0.1" } });
  try {
    const apiKey = await target.server.issueApiKey();
    for (const ssl_verify of [target.caPath, false]) {
      const viaProxy = client(
        { domain: target.domain, ssl_verify, proxy_servers: { https: proxy.url } },
        apiKey,
      );
      try {
        const account = await viaProxy.account();
        assert.equal(account.user.username, "jane", `ssl_verify = ${ssl_verify}`);
      } finally {
        viaProxy.close();
      }
    }
    assert.deepEqual(proxy.tunnels, [
      `CONNECT ${target.domain}`,
      `CONNECT ${target.domain}`,
    ]);
    const accountRequests = target.server.requests.filter((r) => r.path === "/api/account");
    assert.equal(accountRequests.length, 2);
    for (const request of accountRequests) {
      assert.equal(request.headers.authorization, `Bearer ${apiKey}`);
    }
  } finally {
    await proxy.close();
    await target.close();
  }
});

Deno.test({
  // A certificate for the proxied host, made with openssl.
  ...unlessWine(
    "proxy credentials outside Latin-1 are sent as UTF-8 Basic, verification on or off",
    NO_OPENSSL,
  ),
}, async () => {
  const target = await hiddenServer();
  const proxy = connectProxy({ hosts: { [HIDDEN_HOST]: "127.0.0.1" } });
  const password = "pässwörd€密码";
  const proxyUrl = proxy.url.replace("://", `://jane:${encodeURIComponent(password)}@`);
  try {
    for (const ssl_verify of [target.caPath, false]) {
      const viaProxy = client({
        domain: target.domain,
        ssl_verify,
        proxy_servers: { all: proxyUrl },
      });
      try {
        const response = await viaProxy.request("/.well-known/openid-configuration");
        assert.equal(response.status, 200, `ssl_verify = ${ssl_verify}`);
        await response.body?.cancel();
      } finally {
        viaProxy.close();
      }
    }
    const utf8 = new TextEncoder().encode(`jane:${password}`);
    const expected = `Basic ${btoa(String.fromCharCode(...utf8))}`;
    assert.deepEqual(proxy.authorizations, [expected, expected]);
  } finally {
    await proxy.close();
    await target.close();
  }
});

Deno.test("with ssl_verify = false, a proxy it cannot speak to is a clear error, not a bypass", async () => {
  for (const proxyUrl of ["https://127.0.0.1:9", "socks5://127.0.0.1:9"]) {
    const viaProxy = client({
      domain: `${HIDDEN_HOST}:9`,
      ssl_verify: false,
      proxy_servers: { https: proxyUrl },
    });
    try {
      await assert.rejects(viaProxy.request("/x"), {
        name: "ConfigError",
        message: `The proxy ${proxyUrl} cannot be used with ssl_verify = false: only http:// ` +
          "proxies can be (turn verification on to use it)",
      });
    } finally {
      viaProxy.close();
    }
  }
});
