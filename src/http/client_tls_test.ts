/**
 * The client's TLS modes against the stand-in service: a CA path is trusted, `true` rejects
 * the stand-in's CA in one clear line, `false` skips the checks.
 * @module
 */
import assert from "node:assert/strict";
import { getJson } from "../../tests/http_json.ts";
import { clientFor, rejection, withServer } from "../../tests/http_client_support.ts";
import { NetworkError } from "./errors.ts";

Deno.test("TLS: a CA path is trusted, true rejects the test CA in one clear line, false skips checks", async () => {
  await withServer({}, async (server) => {
    const apiKey = await server.issueApiKey();

    const trusted = clientFor(server, {}, { apiKey });
    try {
      await getJson(trusted.client, "/api/account");
    } finally {
      trusted.client.close();
    }

    const strict = clientFor(server, { ssl_verify: true });
    const err = await rejection(getJson(strict.client, "/api/account"));
    strict.client.close();
    assert.ok(err instanceof NetworkError);
    assert.equal(err.kind, "tls");
    assert.ok(!err.message.includes("\n"));
    assert.match(
      err.message,
      new RegExp(
        `^Request to ${server.url}/api/account failed: TLS error: .*UnknownIssuer.*ssl_verify`,
      ),
    );

    const insecure = clientFor(server, { ssl_verify: false }, { apiKey });
    try {
      const account = await getJson<{ user: unknown }>(insecure.client, "/api/account");
      assert.ok(account.user);
      const echoed = await insecure.client.request("/api/auth/oauth2/token", {
        method: "POST",
        body: new URLSearchParams({ grant_type: "nothing" }),
      });
      assert.equal(echoed.status, 400);
      assert.deepEqual(await echoed.json(), { error: "unsupported_grant_type" });
    } finally {
      insecure.client.close();
    }
    const seen = server.requests.at(-1);
    assert.equal(seen?.form?.grant_type, "nothing");
    assert.equal(seen?.headers["user-agent"], "anaconda-auth/0.1.0");
  });
});
