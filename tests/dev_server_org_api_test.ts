/**
 * The stand-in service's anaconda.org API (scripts/stand_in/org_api.ts, docs/behaviour.md,
 * "anaconda.org"), mounted at `<server url>/org-api`, answers the login, logout and whoami
 * requests of anaconda-client like anaconda.org.
 */
import assert from "node:assert/strict";
import { callJson } from "../scripts/stand_in/client.ts";
import { type DevServer, startDevServer } from "../scripts/stand_in/server.ts";

/** anaconda-client's headers: its User-Agent, API version and JSON. */
const CLIENT_HEADERS = {
  "User-Agent": "Anaconda-Client/1.13.0 (+https://anaconda.org)",
  "x-binstar-api-version": "1.13.0",
  "Content-Type": "application/json",
  Accept: "application/json",
};

function loginBody(failIfExists: boolean) {
  return {
    scopes: null,
    note: "binstar_client:jane@laptop",
    note_url: "https://api.anaconda.org",
    hostname: "laptop",
    user: null,
    "max-age": null,
    strength: "strong",
    "fail-if-exists": failIfExists,
  };
}

function call(
  server: DevServer,
  method: string,
  path: string,
  options: { authorization?: string; body?: unknown } = {},
): Promise<{ status: number; body: unknown }> {
  const authorization: Record<string, string> = options.authorization
    ? { Authorization: options.authorization }
    : {};
  return callJson(`${server.orgApi.url}${path}`, method, {
    headers: { ...CLIENT_HEADERS, ...authorization },
    body: options.body,
  });
}

function basic(username: string, password: string): string {
  return `Basic ${btoa(`${username}:${password}`)}`;
}

Deno.test("the anaconda.org API answers HEAD at its base, and 404 when made unavailable", async () => {
  await using server = await startDevServer({ http: true });
  assert.equal(server.orgApi.url, `${server.url}/org-api`);
  for (const url of [server.orgApi.url, `${server.orgApi.url}/`]) {
    const response = await fetch(url, { method: "HEAD" });
    assert.equal(response.status, 200, url);
  }
  server.settings.orgApiUnavailable = true;
  const down = await fetch(server.orgApi.url, { method: "HEAD" });
  assert.equal(down.status, 404);
  assert.equal((await call(server, "GET", "/authentication-type")).status, 404);
});

Deno.test("the anaconda.org discovery points at the stand-in, so the keyring domain is its own", async () => {
  await using server = await startDevServer({ http: true });
  const { status, body } = await call(server, "GET", "/.well-known/openid-configuration");
  assert.equal(status, 200);
  const endpoint = new URL((body as { authorization_endpoint: string }).authorization_endpoint);
  assert.equal(endpoint.host.replace(/^auth\./, ""), server.domain);
});

Deno.test("a Bearer API key logs in; the org token works for /user until DELETE", async () => {
  await using server = await startDevServer({ http: true });
  const apiKey = await server.issueApiKey();
  const login = await call(server, "POST", "/authentications", {
    authorization: `Bearer ${apiKey}`,
    body: loginBody(false),
  });
  assert.equal(login.status, 200);
  const token = (login.body as { token: string }).token;
  assert.match(token, /^[A-Za-z0-9_-]{20,}$/);
  const logged = server.requests.at(-1);
  assert.equal(logged?.headers["user-agent"], CLIENT_HEADERS["User-Agent"]);
  assert.equal(logged?.headers["x-binstar-api-version"], "1.13.0");
  assert.equal(logged?.headers.authorization, `Bearer ${apiKey}`);
  assert.deepEqual(logged?.json, loginBody(false));
  assert.equal(server.orgApi.tokens[0]?.via, "bearer");

  const user = await call(server, "GET", "/user", { authorization: `token ${token}` });
  assert.equal(user.status, 200);
  assert.deepEqual(
    { ...(user.body as Record<string, unknown>), created_at: "<date>" },
    {
      login: "jane",
      name: "Jane Doe",
      user_type: "user",
      created_at: "<date>",
      company: "",
      location: "",
      url: "",
      description: "",
    },
  );
  assert.equal((await call(server, "GET", "/user")).status, 401);

  const logout = await call(server, "DELETE", "/authentications", {
    authorization: `token ${token}`,
  });
  assert.equal(logout.status, 201);
  const again = await call(server, "DELETE", "/authentications", {
    authorization: `token ${token}`,
  });
  assert.equal(again.status, 401);
  assert.equal(
    (await call(server, "GET", "/user", { authorization: `token ${token}` })).status,
    401,
  );
});

Deno.test("Bearer logins need an API key this server issued, and can be switched off", async () => {
  await using server = await startDevServer({ http: true });
  const foreign = await call(server, "POST", "/authentications", {
    authorization: "Bearer a.b.c",
    body: loginBody(false),
  });
  assert.equal(foreign.status, 401);

  server.settings.orgBearerDisabled = true;
  const disabled = await call(server, "POST", "/authentications", {
    authorization: `Bearer ${await server.issueApiKey()}`,
    body: loginBody(false),
  });
  assert.deepEqual(disabled, {
    status: 401,
    body: { error: "Bearer token authentication is not enabled" },
  });
  assert.deepEqual(server.orgApi.tokens, []);
});

Deno.test("the legacy password login: wrong password 401, fail-if-exists 400, then a retry replaces", async () => {
  await using server = await startDevServer({
    http: true,
    orgLogin: { username: "jdoe", password: "s3cret" },
  });
  assert.deepEqual(await call(server, "GET", "/authentication-type"), {
    status: 200,
    body: { authentication_type: "password" },
  });
  const wrong = await call(server, "POST", "/authentications", {
    authorization: basic("jdoe", "nope"),
    body: loginBody(true),
  });
  assert.equal(wrong.status, 401);

  const first = await call(server, "POST", "/authentications", {
    authorization: basic("jdoe", "s3cret"),
    body: loginBody(true),
  });
  assert.equal(first.status, 200);
  const firstToken = (first.body as { token: string }).token;
  const exists = await call(server, "POST", "/authentications", {
    authorization: basic("jdoe", "s3cret"),
    body: loginBody(true),
  });
  assert.equal(exists.status, 400);
  const retry = await call(server, "POST", "/authentications", {
    authorization: basic("jdoe", "s3cret"),
    body: loginBody(false),
  });
  assert.equal(retry.status, 200);
  const secondToken = (retry.body as { token: string }).token;

  const whoami = (token: string) =>
    call(server, "GET", "/user", { authorization: `token ${token}` });
  assert.equal((await whoami(firstToken)).status, 401, "replaced by the retry");
  assert.equal(((await whoami(secondToken)).body as { login: string }).login, "jdoe");
  assert.deepEqual(server.orgApi.tokens.map((entry) => [entry.via, entry.deleted]), [
    ["basic", true],
    ["basic", false],
  ]);
});

Deno.test("issue() makes an org token for tests that start logged in", async () => {
  await using server = await startDevServer({ http: true });
  const token = server.orgApi.issue("someone");
  const user = await call(server, "GET", "/user", { authorization: `token ${token}` });
  assert.equal((user.body as { login: string }).login, "someone");
});
