import assert from "node:assert/strict";
import { parseRedirectUri, startRedirectServer } from "./redirect_server.ts";

const SUCCESS = "https://example.test/app/local-login-success";
const ERROR = "https://example.test/app/local-login-error";

function start(verify: (params: URLSearchParams) => void = () => {}) {
  return startRedirectServer({
    redirectUri: "http://127.0.0.1:0/auth/oidc",
    successUrl: SUCCESS,
    errorUrl: ERROR,
    verify,
  });
}

async function get(url: string): Promise<{ status: number; location: string | null }> {
  const response = await fetch(url, { redirect: "manual" });
  await response.body?.cancel();
  return { status: response.status, location: response.headers.get("Location") };
}

Deno.test("redirect_uri needs an http URL with an explicit port", () => {
  assert.deepEqual(parseRedirectUri("http://127.0.0.1:8000/auth/oidc"), {
    hostname: "127.0.0.1",
    port: 8000,
    path: "/auth/oidc",
  });
  assert.equal(parseRedirectUri("http://[::1]:80/cb").hostname, "::1");
  assert.equal(parseRedirectUri("http://localhost:80/cb").port, 80);
  assert.throws(() => parseRedirectUri("http://127.0.0.1/auth"), {
    name: "ConfigError",
    message: /must include a port/,
  });
  assert.throws(() => parseRedirectUri("https://127.0.0.1:8000/x"), {
    name: "ConfigError",
    message: /http:\/\//,
  });
  assert.throws(() => parseRedirectUri("not a url"), {
    name: "ConfigError",
    message: /not a valid URL/,
  });
});

Deno.test("the server accepts one callback, 404s other paths and redirects with 307", async () => {
  const server = start();
  try {
    assert.match(server.redirectUri, /^http:\/\/127\.0\.0\.1:\d+\/auth\/oidc$/);
    const base = new URL(server.redirectUri);
    assert.notEqual(base.port, "0");
    assert.deepEqual(await get(`${base.origin}/favicon.ico`), { status: 404, location: null });
    assert.deepEqual(await get(`${server.redirectUri}?code=c1&state=s1`), {
      status: 307,
      location: SUCCESS,
    });
    const params = await server.callback;
    assert.equal(params.get("code"), "c1");
    // Only one callback is accepted.
    assert.equal((await get(`${server.redirectUri}?code=c2&state=s1`)).status, 404);
  } finally {
    await server.close();
  }
  await assert.rejects(() => fetch(server.redirectUri), TypeError);
});

Deno.test("a rejected callback sends the browser to the error page and rejects", async () => {
  const server = start(() => {
    throw new Error("State does not match");
  });
  try {
    assert.deepEqual(await get(`${server.redirectUri}?code=c1&state=wrong`), {
      status: 307,
      location: ERROR,
    });
    await assert.rejects(() => server.callback, { name: "Error", message: /State does not match/ });
  } finally {
    await server.close();
    await server.close();
  }
});
