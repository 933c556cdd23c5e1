/**
 * The client's bounds, for each `ssl_verify`: a server that never answers or drips its body
 * times out within the site's `timeout`, a body over the size limit stops with one error, and
 * the caller's abort (Ctrl-C) ends a request with its own reason.
 * @module
 */
import assert from "node:assert/strict";
import { getJson } from "../../tests/http_json.ts";
import {
  clientFor,
  realContext,
  rejection,
  siteConfig,
  withServer,
} from "../../tests/http_client_support.ts";
import { drippingJson, endlessJson, silentServer } from "../../tests/http_faults.ts";
import { Client } from "./client.ts";
import { NetworkError, UnexpectedResponseError } from "./errors.ts";

Deno.test("a server that accepts but never answers times out instead of hanging", async () => {
  await using server = silentServer();
  const { port } = server;
  for (const ssl_verify of [true, false]) {
    const client = new Client({
      context: realContext(),
      config: siteConfig({ domain: `127.0.0.1:${port}`, timeout: 0.3, ssl_verify }),
    });
    const err = await rejection(getJson(client, "/api/account"));
    client.close();
    assert.ok(err instanceof NetworkError, String(err));
    assert.equal(err.kind, "timeout");
    assert.equal(
      err.message,
      `Request to https://127.0.0.1:${port}/api/account failed: no response within 0.3 s (timeout)`,
    );
  }
});

Deno.test("the timeout bounds the whole request: a dripping body stops, for each ssl_verify", async () => {
  const routes = {
    "GET /drip": (_request: Request, { closed }: { closed: AbortSignal }) =>
      drippingJson(closed, 50),
  };
  await withServer({ routes }, async (server) => {
    for (const ssl_verify of [server.caPath ?? true, false]) {
      const { client } = clientFor(server, { timeout: 0.3, ssl_verify });
      try {
        const started = Date.now();
        const err = await rejection(getJson(client, "/drip"));
        assert.ok(err instanceof NetworkError, String(err));
        assert.equal(err.kind, "timeout");
        assert.equal(
          err.message,
          `Request to ${server.url}/drip failed: the response did not finish within 0.3 s (timeout)`,
        );
        assert.ok(Date.now() - started < 5_000, `ssl_verify=${ssl_verify}`);
      } finally {
        client.close();
      }
    }
  });
});

Deno.test("a body above the size limit stops with one error naming the URL, for each ssl_verify", async () => {
  const routes = {
    "GET /big": endlessJson,
    "GET /fits": () => new Response(`"${"a".repeat(1022)}"`),
  };
  await withServer({ routes }, async (server) => {
    for (const ssl_verify of [server.caPath ?? true, false]) {
      const { client } = clientFor(server, { ssl_verify }, { maxResponseBytes: 1024 });
      try {
        const err = await rejection(getJson(client, "/big"));
        assert.ok(err instanceof UnexpectedResponseError, String(err));
        assert.equal(err.message, `Response from ${server.url}/big is larger than 1 KiB`);
        assert.equal((await getJson<string>(client, "/fits")).length, 1022);
      } finally {
        client.close();
      }
    }
  });
});

Deno.test("an abort by the caller rethrows its reason (Ctrl-C), not a network error", async () => {
  const routes = {
    "GET /hang": (_request: Request, { closed }: { closed: AbortSignal }) =>
      new Promise<Response>((resolve) =>
        closed.addEventListener("abort", () => resolve(new Response("late")))
      ),
  };
  await withServer({ routes }, async (server) => {
    const { client } = clientFor(server, { timeout: 30 });
    const controller = new AbortController();
    class Interrupted extends Error {}
    try {
      const pending = client.request("/hang", { signal: controller.signal });
      await server.waitForRequest("/hang");
      controller.abort(new Interrupted("stop"));
      const err = await rejection(pending);
      assert.ok(err instanceof Interrupted);
    } finally {
      client.close();
    }
  });
});
