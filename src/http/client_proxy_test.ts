/**
 * Proxies through the client: `proxy_servers` and `HTTPS_PROXY` tunnel requests (for each
 * `ssl_verify`), `NO_PROXY` bypasses them, a refusing proxy is named in the error and a bad
 * proxy URL is a configuration error.
 * @module
 */
import assert from "node:assert/strict";
import { getJson } from "../../tests/http_json.ts";
import {
  clientFor,
  closedPort,
  realContext,
  rejection,
  siteConfig,
  withServer,
} from "../../tests/http_client_support.ts";
import { connectProxy } from "../../tests/connect_proxy.ts";
import type { FakeContextOptions } from "../../tests/fake_context.ts";
import type { SiteConfig } from "../config/schema.ts";
import { Client } from "./client.ts";
import { NetworkError } from "./errors.ts";

Deno.test("proxy_servers and HTTPS_PROXY tunnel requests through the proxy; NO_PROXY bypasses it", async () => {
  await withServer({}, async (server) => {
    const proxy = connectProxy();
    try {
      for (const ssl_verify of [server.caPath ?? true, false]) {
        const { client } = clientFor(server, { proxy_servers: { https: proxy.url }, ssl_verify });
        try {
          const discovery = await getJson<{ issuer: string }>(
            client,
            "/.well-known/openid-configuration",
          );
          assert.equal(discovery.issuer, server.url);
        } finally {
          client.close();
        }
      }
      assert.deepEqual(proxy.tunnels, [`CONNECT ${server.domain}`, `CONNECT ${server.domain}`]);

      const viaEnv = clientFor(server, {}, {
        context: realContext({ env: { HTTPS_PROXY: proxy.url } }),
      });
      try {
        await (await viaEnv.client.request("/x")).body?.cancel();
      } finally {
        viaEnv.client.close();
      }
      assert.equal(proxy.tunnels.length, 3);

      const bypass = clientFor(server, {}, {
        context: realContext({ env: { HTTPS_PROXY: proxy.url, NO_PROXY: "localhost,127.0.0.1" } }),
      });
      try {
        await (await bypass.client.request("/y")).body?.cancel();
      } finally {
        bypass.client.close();
      }
      assert.equal(proxy.tunnels.length, 3);
      assert.equal(server.requests.at(-1)?.path, "/y");
    } finally {
      await proxy.close();
    }
  });
});

Deno.test("a proxy that refuses the connection is named in the error; a bad proxy URL is a config error", async () => {
  const proxyPort = closedPort();
  const viaProxy = new Client({
    context: realContext({ env: { HTTPS_PROXY: `http://user:secret@127.0.0.1:${proxyPort}` } }),
    config: siteConfig({ domain: "127.0.0.1:8443" }),
  });
  const refused = await rejection(getJson(viaProxy, "/api/account"));
  viaProxy.close();
  assert.ok(refused instanceof NetworkError, String(refused));
  assert.equal(
    refused.message,
    `Request to https://127.0.0.1:8443/api/account failed: connection refused ` +
      `(through the proxy http://127.0.0.1:${proxyPort})`,
  );
  const cases: [FakeContextOptions, Partial<SiteConfig>, string][] = [
    [{ env: { HTTPS_PROXY: "http://user:secret@[bad" } }, {}, "HTTPS_PROXY"],
    [{}, { proxy_servers: { https: "http://user:secret@[bad" } }, "proxy_servers https"],
  ];
  for (const [context, config, source] of cases) {
    const client = new Client({
      context: realContext(context),
      config: siteConfig({ domain: "127.0.0.1:8443", ...config }),
    });
    const err = await rejection(getJson(client, "/api/account"));
    client.close();
    assert.equal(
      `${err.name}: ${err.message}`,
      `ConfigError: The proxy URL http://***@[bad (${source}) is not valid`,
    );
  }
});
