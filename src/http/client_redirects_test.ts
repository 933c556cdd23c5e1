/**
 * Redirects through the client, alike for each `ssl_verify`: the key stays on the same origin
 * and is dropped for another, 303 turns a POST into a GET, 307 keeps the method and body.
 * @module
 */
import assert from "node:assert/strict";
import { getJson, postJson } from "../../tests/http_json.ts";
import { clientFor, rejection, withServer } from "../../tests/http_client_support.ts";
import { AuthenticationMissingError } from "./errors.ts";

Deno.test("redirects are followed alike for each ssl_verify: same-origin keeps the key, 303 turns POST into GET", async () => {
  const routes = {
    "GET /old": () => new Response(null, { status: 302, headers: { Location: "/api/account" } }),
    "POST /form": () => new Response(null, { status: 303, headers: { Location: "/landing" } }),
    "GET /landing": () => Response.json({ landed: true }),
    "PUT /moved": () => new Response(null, { status: 307, headers: { Location: "/landing-put" } }),
    "PUT /landing-put": async (request: Request) => Response.json({ body: await request.text() }),
  };
  await withServer({ routes }, async (server) => {
    const apiKey = await server.issueApiKey();
    for (const ssl_verify of [server.caPath ?? true, false]) {
      const { client } = clientFor(server, { ssl_verify }, { apiKey });
      const seen = server.requests.length;
      try {
        const account = await getJson<{ user: { username: string } }>(client, "/old");
        assert.equal(account.user.username, "jane");
        assert.deepEqual(await postJson(client, "/form", { a: 1 }), { landed: true });
        const put = await client.request("/moved", { method: "PUT", body: "kept" });
        assert.deepEqual(await put.json(), { body: "kept" });
      } finally {
        client.close();
      }
      const requests = server.requests.slice(seen);
      assert.deepEqual(requests.map((request) => `${request.method} ${request.path}`), [
        "GET /old",
        "GET /api/account",
        "POST /form",
        "GET /landing",
        "PUT /moved",
        "PUT /landing-put",
      ], `ssl_verify=${ssl_verify}`);
      assert.equal(requests[1]?.headers["authorization"], `Bearer ${apiKey}`);
      assert.equal(requests[3]?.headers["content-type"], undefined);
      assert.equal(requests[3]?.body, "");
    }
  });
});

Deno.test("a redirect to another origin does not carry the API key, for each ssl_verify", async () => {
  await withServer({}, async (server) => {
    const port = new URL(server.url).port;
    server.settings.routes = {
      "GET /away": () =>
        new Response(null, {
          status: 302,
          headers: { Location: `https://localhost:${port}/api/account` },
        }),
    };
    for (const ssl_verify of [server.caPath ?? true, false]) {
      const { client } = clientFor(server, { ssl_verify }, { apiKey: await server.issueApiKey() });
      try {
        const err = await rejection(getJson(client, "/away"));
        assert.ok(err instanceof AuthenticationMissingError, String(err));
        assert.equal(err.url, `https://localhost:${port}/api/account`);
      } finally {
        client.close();
      }
      assert.equal(server.requests.at(-2)?.headers["authorization"]?.startsWith("Bearer "), true);
      assert.equal(server.requests.at(-1)?.path, "/api/account");
      assert.equal(server.requests.at(-1)?.headers["authorization"], undefined);
    }
  });
});
