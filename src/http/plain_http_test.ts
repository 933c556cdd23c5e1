import assert from "node:assert/strict";
import { Client } from "./client.ts";
import { InsecureHttpError } from "./errors.ts";
import { carriedCredential, isLoopbackHost } from "./plain_http.ts";
import { defaultSiteConfig, type SiteConfig } from "../config/schema.ts";
import { fakeContext } from "../../tests/fake_context.ts";

function siteConfig(overrides: Partial<SiteConfig> = {}): SiteConfig {
  return { site: "test", ...defaultSiteConfig("/nonexistent-home"), ...overrides };
}

/** A client whose fetch records each URL and answers `answer(url)` (default 200 `{}`). */
function recording(
  options: {
    env?: Record<string, string>;
    config?: Partial<SiteConfig>;
    apiKey?: string;
    answer?: (url: string) => Response;
  } = {},
) {
  const sent: string[] = [];
  const context = fakeContext({
    env: options.env ?? {},
    fetch: (url) => {
      sent.push(String(url));
      return Promise.resolve(options.answer?.(String(url)) ?? Response.json({}));
    },
  });
  const client = new Client({
    context,
    config: siteConfig(options.config),
    ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
  });
  return { client, sent };
}

Deno.test("loopback hosts: 127.0.0.0/8, ::1, localhost; nothing else", () => {
  for (
    const host of ["127.0.0.1", "127.255.0.9", "[::1]", "localhost", "LOCALHOST", "[::ffff:7f00:1]"]
  ) {
    assert.ok(isLoopbackHost(host), host);
  }
  for (
    const host of ["10.0.0.1", "128.0.0.1", "localhost.example.com", "[::2]", "127.0.0.1.nip.io"]
  ) {
    assert.ok(!isLoopbackHost(host), host);
  }
  // What URL makes of other spellings of loopback.
  assert.ok(isLoopbackHost(new URL("http://127.1/").hostname));
  assert.ok(isLoopbackHost(new URL("http://0x7f.0.0.1/").hostname));
});

Deno.test("what counts as a credential: Authorization, credential headers, URL tokens, bodies", () => {
  const request = (url: string, headers: HeadersInit = {}, body: unknown = null) => ({
    url,
    headers: new Headers(headers),
    body,
  });
  assert.equal(carriedCredential(request("http://a.test/", { "User-Agent": "x" })), null);
  assert.equal(
    carriedCredential(request("http://a.test/", { Authorization: "Bearer k" })),
    "the Authorization header",
  );
  assert.equal(
    carriedCredential(request("http://a.test/", { "X-Api-Key": "k" })),
    "the header x-api-key",
  );
  assert.equal(
    carriedCredential(request("http://a.test/", { "X-Tenant": "t" }), ["X-Tenant"]),
    "the header x-tenant",
  );
  assert.equal(
    carriedCredential(request("http://a.test/t/tk-1/repo/main/noarch/repodata.json")),
    "a credential in the URL",
  );
  assert.equal(carriedCredential(request("http://a.test/", {}, "code=1")), "the request body");
});

Deno.test("an API key is never sent over plain HTTP to another host; the error names the setting", async () => {
  const { client, sent } = recording({ apiKey: "secret-api-key-1234" });
  await assert.rejects(client.request("http://api.example.test/user"), {
    name: "InsecureHttpError",
    message: "Refusing to send the Authorization header over plain HTTP to " +
      "http://api.example.test/user: anyone on the network between could read it. Use an " +
      "https:// URL, or set ANACONDA_AUTH_ALLOW_INSECURE_HTTP=1 in the environment to allow " +
      "plain HTTP",
  });
  assert.equal(sent.length, 0);
});

Deno.test("plain HTTP is fine without a credential, to loopback, or when the user allows it", async () => {
  const anonymous = recording();
  await anonymous.client.request("http://api.example.test/public");
  assert.deepEqual(anonymous.sent, ["http://api.example.test/public"]);

  const local = recording({ apiKey: "k-1" });
  await local.client.request("http://127.0.0.1:9/user");
  await local.client.request("http://localhost:9/user");
  assert.equal(local.sent.length, 2);

  for (const value of ["1", "true", "YES"]) {
    const allowed = recording({ apiKey: "k-1", env: { ANACONDA_AUTH_ALLOW_INSECURE_HTTP: value } });
    await allowed.client.request("http://api.example.test/user");
    assert.deepEqual(allowed.sent, ["http://api.example.test/user"], value);
  }
  const notAllowed = recording({ apiKey: "k-1", env: { ANACONDA_AUTH_ALLOW_INSECURE_HTTP: "0" } });
  await assert.rejects(
    notAllowed.client.request("http://api.example.test/user"),
    InsecureHttpError,
  );
});

Deno.test("a repo token in the URL, a login form or an extra header do not go over plain HTTP", async () => {
  const { client, sent } = recording();
  await assert.rejects(
    client.request("http://repo.example.test/t/tk-secret/repo/main/noarch/repodata.json", {
      method: "HEAD",
      auth: false,
    }),
    {
      name: "InsecureHttpError",
      message:
        /^Refusing to send a credential in the URL over plain HTTP to http:\/\/repo\.example\.test\/t\/REDACTED\//,
    },
  );
  await assert.rejects(
    client.request("http://auth.example.test/token", { method: "POST", body: "code=c" }),
    { name: "InsecureHttpError", message: /^Refusing to send the request body over plain HTTP/ },
  );
  const withHeader = recording({ config: { extra_headers: { "X-Tenant": "t-secret" } } });
  await assert.rejects(withHeader.client.request("http://api.example.test/x"), {
    name: "InsecureHttpError",
    message: /^Refusing to send the header x-tenant over plain HTTP/,
  });
  assert.deepEqual([...sent, ...withHeader.sent], []);
});

Deno.test("a redirect from https to plain HTTP does not take the site's extra headers along", async () => {
  const { client, sent } = recording({
    config: { domain: "site.test", extra_headers: { "X-Api-Key": "k-secret" } },
    answer: (url) =>
      url.startsWith("https:")
        ? new Response(null, { status: 302, headers: { Location: "http://mirror.example.test/x" } })
        : Response.json({}),
  });
  await assert.rejects(client.request("/x"), InsecureHttpError);
  assert.deepEqual(sent, ["https://site.test/x"]);
});
