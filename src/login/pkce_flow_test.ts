import assert from "node:assert/strict";
import { fakeContext } from "../../tests/fake_context.ts";
import { defaultSiteConfig, type SiteConfig } from "../config/schema.ts";
import type { Context } from "../context.ts";
import type { OidcDiscovery } from "./discovery.ts";
import type { Send } from "./http.ts";
import { browserFlow, codeChallenge, codeVerifier } from "./pkce_flow.ts";

const DISCOVERY: OidcDiscovery = {
  issuer: "https://auth.example.test",
  authorization_endpoint: "https://auth.example.test/authorize?tenant=x",
  token_endpoint: "https://auth.example.test/token",
  device_authorization_endpoint: null,
  authorization_response_iss_parameter_supported: false,
};

const CONFIG: SiteConfig = {
  ...defaultSiteConfig("/home/test"),
  site: "example.test",
  domain: "example.test",
  client_id: "client-1",
  redirect_uri: "http://127.0.0.1:0/auth/oidc",
};

/** A clock whose sleeps end only when aborted (the timeout never fires). */
const patientClock: Context["clock"] = {
  now: () => 0,
  sleep: (_ms, signal) =>
    new Promise((_, reject) => signal?.addEventListener("abort", () => reject(signal.reason))),
};

/** What a browser does: load the authorization URL, come back to the redirect URI. */
type Browse = (authorize: URL) => Record<string, string>;

interface Run {
  result: Promise<string>;
  /** Where the redirect server sent the browser. */
  landed: Promise<string | null>;
  tokenForms: URLSearchParams[];
  authorizeUrls: URL[];
}

function run(
  browse: Browse,
  options: { discovery?: OidcDiscovery; context?: Context; signal?: AbortSignal } = {},
): Run {
  const tokenForms: URLSearchParams[] = [];
  const authorizeUrls: URL[] = [];
  let challenge = "";
  let landedResolve!: (value: string | null) => void;
  const landed = new Promise<string | null>((resolve) => landedResolve = resolve);
  const openBrowser = async (href: string) => {
    const url = new URL(href);
    authorizeUrls.push(url);
    challenge = url.searchParams.get("code_challenge") ?? "";
    const callback = new URL(url.searchParams.get("redirect_uri") ?? "");
    for (const [key, value] of Object.entries(browse(url))) callback.searchParams.set(key, value);
    const response = await fetch(callback, { redirect: "manual" });
    await response.body?.cancel();
    landedResolve(response.headers.get("Location"));
    return true;
  };
  const send: Send = async (url, init) => {
    assert.equal(url, DISCOVERY.token_endpoint);
    const form = new URLSearchParams(String(init?.body));
    tokenForms.push(form);
    // The server's PKCE check.
    if (await codeChallenge(form.get("code_verifier") ?? "") !== challenge) {
      return Response.json({ error: "invalid_grant", error_description: "PKCE failed" }, {
        status: 400,
      });
    }
    return Response.json({ access_token: `access-for-${form.get("code")}` });
  };
  const context = options.context ?? { ...fakeContext({ openBrowser }), clock: patientClock };
  const result = browserFlow({
    context,
    send,
    discovery: options.discovery ?? DISCOVERY,
    config: CONFIG,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { result, landed, tokenForms, authorizeUrls };
}

const approve: Browse = (url) => ({ code: "code-1", state: url.searchParams.get("state") ?? "" });

Deno.test("the verifier is 128 URL-safe characters and the challenge is its S256 hash", async () => {
  const verifier = codeVerifier();
  assert.match(verifier, /^[A-Za-z0-9_-]{128}$/);
  assert.notEqual(codeVerifier(), verifier);
  // RFC 7636 appendix B.
  assert.equal(
    await codeChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
    "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
  );
});

Deno.test("browser flow: authorize URL, one callback, code exchanged with the verifier", async () => {
  const flow = run(approve);
  assert.equal(await flow.result, "access-for-code-1");
  assert.equal(await flow.landed, "https://example.test/app/local-login-success");
  const url = flow.authorizeUrls[0]!;
  assert.equal(url.origin + url.pathname, "https://auth.example.test/authorize");
  assert.equal(url.searchParams.get("tenant"), "x");
  assert.equal(url.searchParams.get("client_id"), "client-1");
  assert.equal(url.searchParams.get("response_type"), "code");
  assert.equal(url.searchParams.get("scope"), "openid email profile offline_access");
  assert.equal(url.searchParams.get("code_challenge_method"), "S256");
  assert.match(url.searchParams.get("state") ?? "", /^[0-9a-f-]{36}$/);
  const form = flow.tokenForms[0]!;
  assert.equal(form.get("grant_type"), "authorization_code");
  assert.equal(form.get("code"), "code-1");
  assert.equal(form.get("client_id"), "client-1");
  assert.equal(form.get("redirect_uri"), url.searchParams.get("redirect_uri"));
  assert.equal(form.get("code_verifier")?.length, 128);
});

Deno.test("a callback with the wrong state is rejected before any code exchange", async () => {
  const flow = run(() => ({ code: "code-1", state: "forged" }));
  await assert.rejects(() => flow.result, {
    name: "AuthenticationError",
    message: /State does not match/,
  });
  assert.equal(await flow.landed, "https://example.test/app/local-login-error");
  assert.equal(flow.tokenForms.length, 0);
});

Deno.test("an OAuth error in the callback fails the login", async () => {
  const flow = run((url) => ({
    error: "access_denied",
    error_description: "no thanks",
    state: url.searchParams.get("state") ?? "",
  }));
  await assert.rejects(() => flow.result, {
    name: "AuthenticationError",
    message: /Authorization failed: access_denied - no thanks/,
  });
  assert.equal(await flow.landed, "https://example.test/app/local-login-error");
});

Deno.test("iss must match the issuer when the provider supports RFC 9207", async () => {
  const discovery = { ...DISCOVERY, authorization_response_iss_parameter_supported: true };
  const missing = run(approve, { discovery });
  await assert.rejects(() => missing.result, {
    name: "AuthenticationError",
    message: /no iss parameter/,
  });
  const wrong = run((url) => ({ ...approve(url), iss: "https://evil.test" }), { discovery });
  await assert.rejects(() => wrong.result, {
    name: "AuthenticationError",
    message: /issuer "https:\/\/evil\.test"/,
  });
  assert.equal(wrong.tokenForms.length, 0);
  const right = run((url) => ({ ...approve(url), iss: DISCOVERY.issuer! }), { discovery });
  assert.equal(await right.result, "access-for-code-1");
});

Deno.test("a token endpoint error is reported with error and description", async () => {
  const context = {
    ...fakeContext({
      openBrowser: async (href) => {
        const url = new URL(href);
        const callback = new URL(url.searchParams.get("redirect_uri") ?? "");
        callback.searchParams.set("code", "c");
        callback.searchParams.set("state", url.searchParams.get("state") ?? "");
        await (await fetch(callback, { redirect: "manual" })).body?.cancel();
        return true;
      },
    }),
    clock: patientClock,
  };
  await assert.rejects(() =>
    browserFlow({
      context,
      send: () =>
        Promise.resolve(
          Response.json({ error: "invalid_grant", error_description: "PKCE failed" }, {
            status: 400,
          }),
        ),
      discovery: DISCOVERY,
      config: CONFIG,
    }), { name: "AuthenticationError", message: /Error getting JWT: invalid_grant - PKCE failed/ });
});

Deno.test("the browser flow times out and closes its server", async () => {
  let redirectUri = "";
  const context = fakeContext({
    openBrowser: (href) => {
      redirectUri = new URL(href).searchParams.get("redirect_uri") ?? "";
      return Promise.resolve(false);
    },
  });
  await assert.rejects(
    () =>
      browserFlow({ context, send: () => Promise.reject(), discovery: DISCOVERY, config: CONFIG }),
    { name: "AuthenticationError", message: /Timed out after 300 s waiting for the browser login/ },
  );
  assert.match(context.err(), /If it does not open, visit:\n\nhttps:\/\/auth\.example\.test/);
  await assert.rejects(() => fetch(redirectUri), TypeError);
});

Deno.test("an abort ends the wait with its reason and closes the server", async () => {
  const controller = new AbortController();
  let redirectUri = "";
  const context = {
    ...fakeContext({
      openBrowser: (href) => {
        redirectUri = new URL(href).searchParams.get("redirect_uri") ?? "";
        controller.abort(new Error("cancelled by test"));
        return Promise.resolve(true);
      },
    }),
    clock: patientClock,
  };
  await assert.rejects(() =>
    browserFlow({
      context,
      send: () => Promise.reject(),
      discovery: DISCOVERY,
      config: CONFIG,
      signal: controller.signal,
    }), { name: "Error", message: /cancelled by test/ });
  await assert.rejects(() => fetch(redirectUri), TypeError);
});
