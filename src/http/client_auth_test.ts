/**
 * The client's Authorization (against the stand-in service): `auth: false` sends none, an
 * explicit header is kept, and the service's `auth_required` becomes `InvalidAuthentication`
 * when a key was sent, else `AuthenticationMissingError`.
 * @module
 */
import assert from "node:assert/strict";
import { getJson } from "../../tests/http_json.ts";
import { clientFor, rejection, withServer } from "../../tests/http_client_support.ts";
import { LoginRequiredError } from "../errors.ts";
import { AuthenticationMissingError, InvalidAuthenticationError } from "./errors.ts";

Deno.test("auth: false sends no Bearer; an explicit Authorization header is kept", async () => {
  await withServer({}, async (server) => {
    const { client } = clientFor(server, {}, { apiKey: "configured-key" });
    try {
      await (await client.request("/a", { auth: false })).body?.cancel();
      assert.equal(server.requests.at(-1)?.headers["authorization"], undefined);
      await (await client.request("/b", { headers: { Authorization: "Bearer access" } })).body
        ?.cancel();
      assert.equal(server.requests.at(-1)?.headers["authorization"], "Bearer access");
    } finally {
      client.close();
    }
  });
});

Deno.test("auth_required says the key is invalid when one was sent, else that login is required", async () => {
  await withServer({}, async (server) => {
    const { client } = clientFor(server, {}, { apiKey: "not-a-valid-key" });
    try {
      const invalid = await rejection(getJson(client, "/api/account"));
      assert.ok(invalid instanceof InvalidAuthenticationError);
      assert.ok(invalid instanceof LoginRequiredError);
      assert.equal(invalid.name, "InvalidAuthentication");
      assert.equal(invalid.message, "Your provided API Key or login token is invalid");
      assert.ok(!invalid.message.includes("not-a-valid-key"));

      const missing = await rejection(getJson(client, "/api/account", { auth: false }));
      assert.ok(missing instanceof AuthenticationMissingError);
      assert.ok(missing instanceof LoginRequiredError);
      assert.equal(
        `${missing.name}: ${missing.message}`,
        "AuthenticationMissingError: Login is required to complete this action.",
      );
    } finally {
      client.close();
    }
  });
});
