/**
 * The errors users see from the client: HTTP statuses in the Python tool's words, HTML where
 * JSON was expected, a refused connection, and a missing CA bundle or client certificate.
 * @module
 */
import assert from "node:assert/strict";
import { getJson } from "../../tests/http_json.ts";
import {
  clientFor,
  closedPort,
  realContext,
  rejection,
  siteConfig,
  withServer,
} from "../../tests/http_client_support.ts";
import { Client } from "./client.ts";
import { HttpError, NetworkError, UnexpectedResponseError } from "./errors.ts";

Deno.test("HTTP errors read like the Python tool's; HTML bodies are named, not dumped", async () => {
  const routes = {
    "GET /boom": () =>
      new Response("<html><body>Oops</body></html>", {
        status: 500,
        headers: { "Content-Type": "text/html" },
      }),
    "GET /page": () =>
      new Response("<!doctype html><title>Sign in</title>", {
        headers: { "Content-Type": "text/html; charset=utf-8" },
      }),
    "GET /forbidden": () => Response.json({ error: { code: "nope" } }, { status: 403 }),
  };
  await withServer({ routes }, async (server) => {
    const { client } = clientFor(server);
    try {
      const missing = await rejection(getJson(client, "/nowhere"));
      assert.ok(missing instanceof HttpError);
      assert.equal(
        `${missing.name}: ${missing.message}`,
        `HTTPError: 404 Client Error: Not Found for url: ${server.url}/nowhere`,
      );

      const boom = await rejection(getJson(client, "/boom"));
      assert.ok(boom instanceof HttpError);
      assert.equal(boom.status, 500);
      assert.equal(
        boom.message,
        `500 Server Error: Internal Server Error for url: ${server.url}/boom`,
      );
      assert.ok(boom.body.includes("Oops"));

      const page = await rejection(getJson(client, "/page"));
      assert.ok(page instanceof UnexpectedResponseError);
      assert.equal(
        page.message,
        `Response from ${server.url}/page is text/html, not JSON (HTTP 200)`,
      );

      const forbidden = await rejection(getJson(client, "/forbidden"));
      assert.ok(forbidden instanceof HttpError);
      assert.equal(
        forbidden.message,
        `403 Client Error: Forbidden for url: ${server.url}/forbidden`,
      );
    } finally {
      client.close();
    }
  });
});

Deno.test("a connection refused names the URL and the cause", async () => {
  const port = closedPort();
  const client = new Client({
    context: realContext(),
    config: siteConfig({ domain: `127.0.0.1:${port}` }),
  });
  const err = await rejection(getJson(client, "/api/account"));
  assert.ok(err instanceof NetworkError);
  assert.equal(err.kind, "refused");
  assert.equal(
    `${err.name}: ${err.message}`,
    `NetworkError: Request to https://127.0.0.1:${port}/api/account failed: connection refused`,
  );
});

Deno.test("a missing CA bundle or client certificate is a config error naming the file", async () => {
  const client = new Client({
    context: realContext(),
    config: siteConfig({ domain: "127.0.0.1:9", ssl_verify: "/nonexistent/ca.pem" }),
  });
  const err = await rejection(client.request("/x"));
  assert.equal(err.name, "ConfigError");
  assert.equal(
    err.message,
    "Cannot read the CA bundle /nonexistent/ca.pem (ssl_verify): no such file",
  );

  const withCert = new Client({
    context: realContext(),
    config: siteConfig({ domain: "127.0.0.1:9", client_cert: "/nonexistent/client.pem" }),
  });
  const certErr = await rejection(withCert.request("/x"));
  assert.equal(
    certErr.message,
    "Cannot read the client certificate /nonexistent/client.pem (client_cert): no such file",
  );
});
