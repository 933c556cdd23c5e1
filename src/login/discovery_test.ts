import assert from "node:assert/strict";
import { defaultSiteConfig, type SiteConfig } from "../config/schema.ts";
import { discover, type DiscoveryCache } from "./discovery.ts";
import type { Send } from "./http.ts";

function siteConfig(overrides: Partial<SiteConfig> = {}): SiteConfig {
  return { ...defaultSiteConfig("/home/test"), site: "example.test", ...overrides };
}

const DOCUMENT = {
  issuer: "https://auth.example.test",
  authorization_endpoint: "https://auth.example.test/authorize",
  token_endpoint: "https://auth.example.test/token",
  device_authorization_endpoint: "https://auth.example.test/device",
};

function countingSend(respond: () => Response): { send: Send; urls: string[] } {
  const urls: string[] = [];
  return {
    urls,
    send: (url) => {
      urls.push(url);
      return Promise.resolve(respond());
    },
  };
}

Deno.test("discovery is fetched once per cache for a site, and each time without one", async () => {
  const { send, urls } = countingSend(() => Response.json(DOCUMENT));
  const cache: DiscoveryCache = new Map();
  const config = siteConfig({ domain: "example.test" });
  const first = await discover(send, config, { cache });
  const second = await discover(send, config, { cache });
  assert.equal(second, first);
  assert.deepEqual(urls, ["https://example.test/.well-known/openid-configuration"]);
  assert.equal(first.device_authorization_endpoint, DOCUMENT.device_authorization_endpoint);
  assert.equal(first.authorization_response_iss_parameter_supported, false);
  // No cache: nothing is kept between calls (no process-wide state).
  await discover(send, config);
  await discover(send, config);
  assert.equal(urls.length, 3);
});

Deno.test("discovery uses auth_domain_override and openid_config_path", async () => {
  const { send, urls } = countingSend(() => Response.json(DOCUMENT));
  const config = siteConfig({
    domain: "example.test",
    auth_domain_override: "id.example.test",
    openid_config_path: "/oidc/config",
  });
  await discover(send, config, { cache: new Map() });
  assert.deepEqual(urls, ["https://id.example.test/oidc/config"]);
});

Deno.test("a failed discovery is not cached", async () => {
  let fail = true;
  const { send, urls } = countingSend(() =>
    fail
      ? new Response("down", { status: 503, statusText: "Service Unavailable" })
      : Response.json(DOCUMENT)
  );
  const cache: DiscoveryCache = new Map();
  const config = siteConfig({ domain: "example.test" });
  await assert.rejects(() => discover(send, config, { cache }), {
    name: "AuthenticationError",
    message:
      /OIDC discovery failed: https:\/\/example\.test\/\.well-known\/openid-configuration answered HTTP 503 Service Unavailable/,
  });
  fail = false;
  await discover(send, config, { cache });
  assert.equal(urls.length, 2);
});

Deno.test("discovery without a device endpoint is accepted; without a token endpoint it fails", async () => {
  const { device_authorization_endpoint: _, ...withoutDevice } = DOCUMENT;
  const config = siteConfig({ domain: "example.test" });
  const found = await discover(
    countingSend(() => Response.json(withoutDevice)).send,
    config,
    { cache: new Map() },
  );
  assert.equal(found.device_authorization_endpoint, null);
  const { token_endpoint: __, ...withoutToken } = DOCUMENT;
  await assert.rejects(
    () =>
      discover(countingSend(() => Response.json(withoutToken)).send, config, { cache: new Map() }),
    { name: "AuthenticationError", message: /has no token_endpoint/ },
  );
  await assert.rejects(
    () => discover(countingSend(() => new Response("<html>")).send, config, { cache: new Map() }),
    { name: "AuthenticationError", message: /did not return a JSON object/ },
  );
});

Deno.test("discovery reads the RFC 9207 flag", async () => {
  const { send } = countingSend(() =>
    Response.json({ ...DOCUMENT, authorization_response_iss_parameter_supported: true })
  );
  const found = await discover(send, siteConfig(), { cache: new Map() });
  assert.equal(found.authorization_response_iss_parameter_supported, true);
  assert.equal(found.issuer, DOCUMENT.issuer);
});
