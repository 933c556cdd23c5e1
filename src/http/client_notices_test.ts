/**
 * What the client tells the user besides answers: the Min-Api-Version warning (once per
 * client), and the `--verbose` request log with credentials reduced to their last 4
 * characters.
 * @module
 */
import assert from "node:assert/strict";
import { getJson } from "../../tests/http_json.ts";
import { clientFor, realContext, withServer } from "../../tests/http_client_support.ts";

Deno.test("Min-Api-Version above the client's Api-Version warns once on stderr", async () => {
  await withServer({ minApiVersion: "3.01.0" }, async (server) => {
    const context = realContext();
    const { client } = clientFor(server, {}, { context, apiVersion: "3.0.9" });
    const quiet = clientFor(server, {}, { context: realContext(), apiVersion: "3.1.0" });
    try {
      await (await client.request("/a")).body?.cancel();
      await (await client.request("/b")).body?.cancel();
      await (await quiet.client.request("/c")).body?.cancel();
    } finally {
      client.close();
      quiet.client.close();
    }
    assert.equal(
      context.err(),
      "DeprecationWarning: Client API version is 3.0.9, minimum supported API version is 3.01.0. You may need to update your client.\n",
    );
    assert.equal(quiet.context.err(), "");
  });
});

Deno.test("--verbose logs requests with credentials reduced to their last 4 characters", async () => {
  await withServer({}, async (server) => {
    const apiKey = await server.issueApiKey();
    const context = realContext();
    const { client } = clientFor(server, {}, { context, verbose: true, apiKey });
    try {
      await getJson(client, "/api/account");
    } finally {
      client.close();
    }
    const log = context.err();
    assert.match(log, /^> GET https:\/\/127\.0\.0\.1:\d+\/api\/account$/m);
    assert.match(log, new RegExp(`^> authorization: Bearer \\*+${apiKey.slice(-4)}$`, "m"));
    assert.match(log, /^< 200 OK/m);
    assert.ok(!log.includes(apiKey.slice(0, -4)));
  });
});
