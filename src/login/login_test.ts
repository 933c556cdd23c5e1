import assert from "node:assert/strict";
import { fakeContext } from "../../tests/fake_context.ts";
import { defaultSiteConfig, type SiteConfig } from "../config/schema.ts";
import type { Context } from "../context.ts";
import { loadToken, saveToken } from "../token/tokens.ts";
import type { Send } from "./http.ts";
import { login } from "./login.ts";

const BASE = "https://example.test";

const DISCOVERY = {
  issuer: BASE,
  authorization_endpoint: `${BASE}/authorize`,
  token_endpoint: `${BASE}/token`,
  device_authorization_endpoint: `${BASE}/device`,
};

/** A fake provider; `withDevice` false drops the device endpoint from discovery. */
function provider(options: { withDevice: boolean }) {
  const paths: string[] = [];
  const send: Send = (url, init) => {
    const { pathname } = new URL(url);
    paths.push(pathname);
    switch (pathname) {
      case "/.well-known/openid-configuration": {
        const { device_authorization_endpoint, ...rest } = DISCOVERY;
        return Promise.resolve(
          Response.json(options.withDevice ? { ...rest, device_authorization_endpoint } : rest),
        );
      }
      case "/device":
        return Promise.resolve(Response.json({
          device_code: "d",
          user_code: "U-1",
          verification_uri: `${BASE}/activate`,
        }));
      case "/token": {
        const grant = new URLSearchParams(String(init?.body)).get("grant_type");
        return Promise.resolve(Response.json({ access_token: `access-by-${grant}` }));
      }
      case "/api/auth/api-keys": {
        const bearer = new Headers(init?.headers).get("Authorization");
        return Promise.resolve(
          Response.json({ api_key: `key-from-${bearer?.replace("Bearer ", "")}` }, { status: 201 }),
        );
      }
      default:
        return Promise.resolve(new Response("", { status: 404 }));
    }
  };
  return { send, paths };
}

/** Follows the authorization URL straight back to the redirect server with a code. */
async function approvingBrowser(href: string): Promise<boolean> {
  const url = new URL(href);
  const callback = new URL(url.searchParams.get("redirect_uri") ?? "");
  callback.searchParams.set("code", "code-1");
  callback.searchParams.set("state", url.searchParams.get("state") ?? "");
  await (await fetch(callback, { redirect: "manual" })).body?.cancel();
  return true;
}

const patientClock: Context["clock"] = {
  now: () => Date.UTC(2026, 0, 1),
  sleep: (_ms, signal) =>
    new Promise((_, reject) => signal?.addEventListener("abort", () => reject(signal.reason))),
};

async function withSite(
  overrides: Partial<SiteConfig>,
  test: (config: SiteConfig, context: ReturnType<typeof fakeContext>) => Promise<void>,
): Promise<void> {
  const home = await Deno.makeTempDir({ prefix: "login-test-" });
  try {
    const config: SiteConfig = {
      ...defaultSiteConfig(home),
      site: "example.test",
      domain: "example.test",
      redirect_uri: "http://127.0.0.1:0/auth/oidc",
      ...overrides,
    };
    const context = {
      ...fakeContext({ home, openBrowser: approvingBrowser }),
      clock: patientClock,
    };
    await test(config, context);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

Deno.test("login uses the device flow and keeps stored repo tokens and username", async () => {
  await withSite({}, async (config, context) => {
    await saveToken(context, config, {
      domain: "example.test",
      api_key: "old-key",
      username: "someone",
      repo_tokens: [{ token: "repo-t", org_name: "org-1" }],
      version: 2,
    });
    const { send, paths } = provider({ withDevice: true });
    const result = await login(context, config, { send, discoveryCache: new Map() });
    assert.equal(result.flow, "device");
    assert.deepEqual(paths, [
      "/.well-known/openid-configuration",
      "/device",
      "/token",
      "/api/auth/api-keys",
    ]);
    const expected = {
      domain: "example.test",
      api_key: `key-from-access-by-urn:ietf:params:oauth:grant-type:device_code`,
      username: "someone",
      repo_tokens: [{ token: "repo-t", org_name: "org-1" }],
      version: 2,
    };
    assert.deepEqual(result.info, expected);
    assert.deepEqual(await loadToken(context, config), expected);
    assert.match(result.storedIn, /file keyring/);
  });
});

Deno.test("login falls back to the browser flow when discovery has no device endpoint", async () => {
  await withSite({}, async (config, context) => {
    const { send, paths } = provider({ withDevice: false });
    const result = await login(context, config, { send, discoveryCache: new Map() });
    assert.equal(result.flow, "browser");
    assert.equal(result.info.api_key, "key-from-access-by-authorization_code");
    assert.ok(!paths.includes("/device"));
    assert.match(context.err(), /example\.test does not offer the device login/);
  });
});

Deno.test("use_device_flow = false selects the browser flow", async () => {
  await withSite({ use_device_flow: false }, async (config, context) => {
    const { send, paths } = provider({ withDevice: true });
    const result = await login(context, config, { send, discoveryCache: new Map() });
    assert.equal(result.flow, "browser");
    assert.ok(!paths.includes("/device"));
    assert.doesNotMatch(context.err(), /does not offer/);
  });
});

Deno.test("with a configured api_key the stored record's repo tokens are still kept", async () => {
  await withSite({}, async (config, context) => {
    await saveToken(context, config, {
      domain: "example.test",
      api_key: "old-key",
      username: null,
      repo_tokens: [{ token: "repo-t", org_name: "org-1" }],
      version: 2,
    });
    const withEnvKey = { ...config, api_key: "env-key" };
    const { send } = provider({ withDevice: true });
    const result = await login(context, withEnvKey, { send, discoveryCache: new Map() });
    assert.deepEqual(result.info.repo_tokens, [{ token: "repo-t", org_name: "org-1" }]);
  });
});

Deno.test("a login whose discovery names plain-HTTP endpoints sends no login request there", async () => {
  const sent: string[] = [];
  const context = fakeContext({
    fetch: (url) => {
      sent.push(String(url));
      return Promise.resolve(Response.json({
        issuer: "https://site.test",
        authorization_endpoint: "http://auth.example.test/authorize",
        token_endpoint: "http://auth.example.test/token",
        device_authorization_endpoint: "http://auth.example.test/device",
      }));
    },
  });
  const config: SiteConfig = {
    ...defaultSiteConfig("/nonexistent-home"),
    site: "s",
    domain: "site.test",
  };
  await assert.rejects(login(context, config), {
    name: "InsecureHttpError",
    message:
      /^Refusing to send the request body over plain HTTP to http:\/\/auth\.example\.test\/device: /,
  });
  assert.deepEqual(sent, ["https://site.test/.well-known/openid-configuration"]);
});
