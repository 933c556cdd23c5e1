/**
 * What the client sends (against the stand-in service): the User-Agent, the hashed or plain
 * hostname, Api-Version, `extra_headers` (replacing a built-in header of another case, as the
 * Python tool does), paths joined onto `https://<domain>`, and JSON bodies.
 * @module
 */
import assert from "node:assert/strict";
import { postJson } from "../../tests/http_json.ts";
import { clientFor, realContext, siteConfig, withServer } from "../../tests/http_client_support.ts";
import { Client } from "./client.ts";

Deno.test("requests carry the User-Agent, hashed hostname, Api-Version and extra headers", async () => {
  await withServer({}, async (server) => {
    const { client } = clientFor(server, {
      extra_headers: { "X-Extra": "yes", "User-Agent": "not-this" },
    }, { apiVersion: "2024.01.01" });
    try {
      await (await client.request("/api/account", { auth: false })).body?.cancel();
    } finally {
      client.close();
    }
    const seen = server.requests.at(-1);
    assert.equal(seen?.path, "/api/account");
    assert.equal(seen?.headers["user-agent"], "anaconda-auth/0.1.0");
    assert.equal(seen?.headers["x-client-hostname"], "PgvljETpLz5xA9C2XpbYfQ");
    assert.equal(seen?.headers["api-version"], "2024.01.01");
    assert.equal(seen?.headers["x-extra"], "yes");
    assert.equal(seen?.headers["authorization"], undefined);
  });
});

Deno.test("the plain hostname is sent when hash_hostname is false", async () => {
  await withServer({}, async (server) => {
    const { client } = clientFor(server, { hash_hostname: false }, {
      context: realContext({ hostname: "example-host.local" }),
    });
    try {
      await (await client.request("/x")).body?.cancel();
    } finally {
      client.close();
    }
    assert.equal(server.requests.at(-1)?.headers["x-client-hostname"], "example-host");
  });
});

Deno.test("extra headers with another case replace the built-in one, like the Python tool", () => {
  const client = new Client({
    context: realContext(),
    config: siteConfig({ extra_headers: { "user-agent": "custom/1", "Accept": "text/plain" } }),
  });
  const headers = Object.fromEntries(client.sessionHeaders());
  assert.equal(headers["user-agent"], "custom/1");
  assert.equal(headers["User-Agent"], undefined);
  assert.equal(headers["Accept"], "*/*");
});

Deno.test("paths are joined onto https://<domain>; absolute URLs pass through", () => {
  const client = new Client({
    context: realContext(),
    config: siteConfig({ domain: "a.test:8443" }),
  });
  assert.equal(client.baseUrl, "https://a.test:8443");
  assert.equal(client.url("/api/account"), "https://a.test:8443/api/account");
  assert.equal(client.url("api/account"), "https://a.test:8443/api/account");
  assert.equal(client.url("https://b.test/x?y=1"), "https://b.test/x?y=1");
});

Deno.test("a JSON body is sent as it is and the JSON answer is read", async () => {
  const routes = {
    "POST /echo": (request: Request) =>
      request.json().then((body) => Response.json({ got: body }, { status: 201 })),
  };
  await withServer({ routes }, async (server) => {
    const { client } = clientFor(server);
    try {
      assert.deepEqual(await postJson(client, "/echo", { a: [1, "b"] }), { got: { a: [1, "b"] } });
    } finally {
      client.close();
    }
    assert.equal(server.requests.at(-1)?.headers["content-type"], "application/json");
  });
});
