/**
 * Helpers of the HTTP client tests (src/http/client_*_test.ts and
 * tests/http_client_tls_test.ts): a site config, a context with the real `fetch`, a client
 * that trusts the stand-in service, the stand-in itself on the committed fixture certificates
 * (no `openssl` run), a port nothing listens on, and the error a promise rejects with.
 * @module
 */
import assert from "node:assert/strict";
import {
  type DevServer,
  type DevServerOptions,
  startDevServer,
} from "../scripts/stand_in/server.ts";
import { Client, type ClientOptions } from "../src/http/client.ts";
import { defaultSiteConfig, type SiteConfig } from "../src/config/schema.ts";
import { fakeContext, type FakeContextOptions } from "./fake_context.ts";
import { fixtureCertificates } from "./fixture_certificates.ts";

/** A site's settings: the defaults with `overrides`. */
export function siteConfig(overrides: Partial<SiteConfig>): SiteConfig {
  return { site: "test", ...defaultSiteConfig("/nonexistent-home"), ...overrides };
}

/** A fake context with the real `fetch` and clock, and the hostname `my-laptop`. */
export function realContext(options: FakeContextOptions = {}) {
  return fakeContext({
    fetch: globalThis.fetch,
    now: Date.now(),
    hostname: "my-laptop",
    ...options,
  });
}

/** A client for the stand-in service, trusting its CA. */
export function clientFor(
  server: { domain: string; caPath: string | null },
  config: Partial<SiteConfig> = {},
  options: Partial<ClientOptions> = {},
) {
  const context = options.context ?? realContext();
  const client = new Client({
    context,
    config: siteConfig({ domain: server.domain, ssl_verify: server.caPath ?? true, ...config }),
    ...options,
  });
  return { client, context: context as ReturnType<typeof realContext> };
}

/** Runs `action` against a stand-in service on the fixture certificates, then closes it. */
export async function withServer(
  options: DevServerOptions,
  action: (server: DevServer) => Promise<void>,
): Promise<void> {
  const server = await startDevServer({ certificates: fixtureCertificates(), ...options });
  try {
    await action(server);
  } finally {
    await server.close();
  }
}

/** A port nothing listens on. */
export function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** The error `promise` rejects with (an assertion failure when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof Error, `not an Error: ${String(err)}`);
    return err;
  }
  assert.fail("expected the promise to reject");
}
