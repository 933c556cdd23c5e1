/**
 * `siteClient` (against the stand-in service): the configured `api_key` goes as Bearer; a
 * stored key goes while it is valid, nothing once it has expired, and `requireKey` turns
 * those into `TokenNotFoundError` and `TokenExpiredError`.
 * @module
 */
import assert from "node:assert/strict";
import { getJson } from "../../tests/http_json.ts";
import { realContext, rejection, siteConfig, withServer } from "../../tests/http_client_support.ts";
import { AuthenticationMissingError } from "../http/errors.ts";
import { saveToken } from "../token/tokens.ts";
import { siteClient } from "./site_client.ts";

Deno.test("siteClient sends the config api_key as Bearer and /api/account answers", async () => {
  await withServer({}, async (server) => {
    const apiKey = await server.issueApiKey();
    const client = await siteClient(
      realContext(),
      siteConfig({ domain: server.domain, ssl_verify: server.caPath ?? true, api_key: apiKey }),
    );
    try {
      const account = await client.account();
      assert.equal(account.user.username, "jane");
      assert.equal(account.domain, server.domain);
    } finally {
      client.close();
    }
    assert.equal(server.requests.at(-1)?.headers["authorization"], `Bearer ${apiKey}`);
  });
});

Deno.test("siteClient sends the stored key when valid, and nothing when it has expired", async () => {
  const home = await Deno.makeTempDir({ prefix: "anaconda-http-test-" });
  try {
    await withServer({}, async (server) => {
      const context = realContext({ home });
      const config = siteConfig({
        domain: server.domain,
        ssl_verify: server.caPath ?? true,
        keyring_path: `${home}/.anaconda/keyring`,
      });
      const store = (apiKey: string) =>
        saveToken(context, config, {
          domain: server.domain,
          api_key: apiKey,
          username: null,
          repo_tokens: [],
          version: 2,
        });

      // Nothing stored: no Authorization, and the service says login is required.
      let client = await siteClient(context, config);
      let err = await rejection(getJson(client, "/api/account"));
      client.close();
      assert.ok(err instanceof AuthenticationMissingError);
      assert.equal(server.requests.at(-1)?.headers["authorization"], undefined);
      await assert.rejects(siteClient(context, config, { requireKey: true }), {
        name: "TokenNotFoundError",
      });

      const valid = await server.issueApiKey();
      await store(valid);
      client = await siteClient(context, config);
      await getJson(client, "/api/account");
      client.close();
      assert.equal(server.requests.at(-1)?.headers["authorization"], `Bearer ${valid}`);

      await store(await server.issueApiKey({ expiresIn: -60 }));
      client = await siteClient(context, config);
      err = await rejection(getJson(client, "/api/account"));
      client.close();
      assert.ok(err instanceof AuthenticationMissingError);
      assert.equal(server.requests.at(-1)?.headers["authorization"], undefined);
      await assert.rejects(siteClient(context, config, { requireKey: true }), {
        name: "TokenExpiredError",
      });
    });
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
