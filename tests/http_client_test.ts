/**
 * The HTTP client against the stand-in service (scripts/stand_in/) and small local
 * servers: headers as received, Bearer selection, TLS modes, proxies, network failures,
 * timeouts and the error messages users see.
 */
import assert from "node:assert/strict";
import { type DevServerOptions, startDevServer } from "../scripts/stand_in/server.ts";
import { createTestCertificates, type TestCertificates } from "../scripts/test_ca.ts";
import { Client, type ClientOptions } from "../src/http/client.ts";
import {
  AuthenticationMissingError,
  HttpError,
  InvalidAuthenticationError,
  NetworkError,
  UnexpectedResponseError,
} from "../src/http/errors.ts";
import { defaultSiteConfig, type SiteConfig } from "../src/config/schema.ts";
import { LoginRequiredError } from "../src/errors.ts";
import { siteClient } from "../src/login/site_client.ts";
import { saveToken } from "../src/token/tokens.ts";
import { fakeContext, type FakeContextOptions } from "./fake_context.ts";
import { drippingJson, endlessJson } from "./http_faults.ts";
import { NO_OPENSSL, unlessWine } from "./wine.ts";

function siteConfig(overrides: Partial<SiteConfig>): SiteConfig {
  return { site: "test", ...defaultSiteConfig("/nonexistent-home"), ...overrides };
}

function realContext(options: FakeContextOptions = {}) {
  return fakeContext({
    fetch: globalThis.fetch,
    now: Date.now(),
    hostname: "my-laptop",
    ...options,
  });
}

/** A client for the dev server, trusting its CA. */
function clientFor(
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

async function withServer(
  options: DevServerOptions,
  action: (server: Awaited<ReturnType<typeof startDevServer>>) => Promise<void>,
): Promise<void> {
  const server = await startDevServer(options);
  try {
    await action(server);
  } finally {
    await server.close();
  }
}

/** A port nothing listens on. */
function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof Error, `not an Error: ${String(err)}`);
    return err;
  }
  assert.fail("expected the promise to reject");
}

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
      assert.equal(client.lastRequestHadAuth, true);
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
      let err = await rejection(client.getJson("/api/account"));
      client.close();
      assert.ok(err instanceof AuthenticationMissingError);
      assert.equal(server.requests.at(-1)?.headers["authorization"], undefined);
      await assert.rejects(siteClient(context, config, { requireKey: true }), {
        name: "TokenNotFoundError",
      });

      const valid = await server.issueApiKey();
      await store(valid);
      client = await siteClient(context, config);
      await client.getJson("/api/account");
      client.close();
      assert.equal(server.requests.at(-1)?.headers["authorization"], `Bearer ${valid}`);

      await store(await server.issueApiKey({ expiresIn: -60 }));
      client = await siteClient(context, config);
      err = await rejection(client.getJson("/api/account"));
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

Deno.test("auth: false sends no Bearer; an explicit Authorization header is kept", async () => {
  await withServer({}, async (server) => {
    const { client } = clientFor(server, {}, { apiKey: "configured-key" });
    try {
      await (await client.request("/a", { auth: false })).body?.cancel();
      assert.equal(server.requests.at(-1)?.headers["authorization"], undefined);
      assert.equal(client.lastRequestHadAuth, false);
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
      const invalid = await rejection(client.getJson("/api/account"));
      assert.ok(invalid instanceof InvalidAuthenticationError);
      assert.ok(invalid instanceof LoginRequiredError);
      assert.equal(invalid.name, "InvalidAuthentication");
      assert.equal(invalid.message, "Your provided API Key or login token is invalid");
      assert.ok(!invalid.message.includes("not-a-valid-key"));

      const missing = await rejection(client.getJson("/api/account", { auth: false }));
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
      const missing = await rejection(client.getJson("/nowhere"));
      assert.ok(missing instanceof HttpError);
      assert.equal(
        `${missing.name}: ${missing.message}`,
        `HTTPError: 404 Client Error: Not Found for url: ${server.url}/nowhere`,
      );

      const boom = await rejection(client.getJson("/boom"));
      assert.ok(boom instanceof HttpError);
      assert.equal(boom.status, 500);
      assert.equal(
        boom.message,
        `500 Server Error: Internal Server Error for url: ${server.url}/boom`,
      );
      assert.ok(boom.body.includes("Oops"));

      const page = await rejection(client.getJson("/page"));
      assert.ok(page instanceof UnexpectedResponseError);
      assert.equal(
        page.message,
        `Response from ${server.url}/page is text/html, not JSON (HTTP 200)`,
      );

      const forbidden = await rejection(client.getJson("/forbidden"));
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

Deno.test("postJson sends a JSON body and parses the answer", async () => {
  const routes = {
    "POST /echo": (request: Request) =>
      request.json().then((body) => Response.json({ got: body }, { status: 201 })),
  };
  await withServer({ routes }, async (server) => {
    const { client } = clientFor(server);
    try {
      assert.deepEqual(await client.postJson("/echo", { a: [1, "b"] }), { got: { a: [1, "b"] } });
    } finally {
      client.close();
    }
    assert.equal(server.requests.at(-1)?.headers["content-type"], "application/json");
  });
});

Deno.test("TLS: a CA path is trusted, true rejects the test CA in one clear line, false skips checks", async () => {
  await withServer({}, async (server) => {
    const apiKey = await server.issueApiKey();

    const trusted = clientFor(server, {}, { apiKey });
    try {
      await trusted.client.getJson("/api/account");
    } finally {
      trusted.client.close();
    }

    const strict = clientFor(server, { ssl_verify: true });
    const err = await rejection(strict.client.getJson("/api/account"));
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
      const account = await insecure.client.getJson<{ user: unknown }>("/api/account");
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

Deno.test("truststore uses the OS trust store (here SSL_CERT_FILE pointing at the test CA)", async () => {
  await withServer({}, async (server) => {
    const code = `
      import { Client } from ${
      JSON.stringify(new URL("../src/http/client.ts", import.meta.url).href)
    };
      import { denoContext } from ${
      JSON.stringify(new URL("../src/context.ts", import.meta.url).href)
    };
      import { defaultSiteConfig } from ${
      JSON.stringify(new URL("../src/config/schema.ts", import.meta.url).href)
    };
      const config = { site: "t", ...defaultSiteConfig("/nonexistent"), domain: Deno.args[0], ssl_verify: Deno.args[1] === "true" ? true : "truststore" };
      const client = new Client({ context: denoContext(), config });
      try {
        const response = await client.request("/.well-known/openid-configuration");
        console.log(response.status, (await response.json()).issuer);
      } catch (err) {
        console.log(err.name, err.kind);
      }
    `;
    const run = async (mode: string) => {
      const output = await new Deno.Command(Deno.execPath(), {
        args: ["eval", "--quiet", code, server.domain, mode],
        env: { SSL_CERT_FILE: server.caPath ?? "", NO_COLOR: "1" },
        stdin: "null",
      }).output();
      return new TextDecoder().decode(output.stdout).trim();
    };
    assert.equal(await run("truststore"), `200 ${server.url}`);
    assert.equal(await run("true"), "NetworkError tls");
  });
});

Deno.test("a connection refused names the URL and the cause", async () => {
  const port = closedPort();
  const client = new Client({
    context: realContext(),
    config: siteConfig({ domain: `127.0.0.1:${port}` }),
  });
  const err = await rejection(client.getJson("/api/account"));
  assert.ok(err instanceof NetworkError);
  assert.equal(err.kind, "refused");
  assert.equal(
    `${err.name}: ${err.message}`,
    `NetworkError: Request to https://127.0.0.1:${port}/api/account failed: connection refused`,
  );
});

Deno.test("a server that accepts but never answers times out instead of hanging", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const held: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of listener) held.push(conn);
  })();
  try {
    for (const ssl_verify of [true, false]) {
      const client = new Client({
        context: realContext(),
        config: siteConfig({ domain: `127.0.0.1:${port}`, timeout: 0.3, ssl_verify }),
      });
      const err = await rejection(client.getJson("/api/account"));
      client.close();
      assert.ok(err instanceof NetworkError, String(err));
      assert.equal(err.kind, "timeout");
      assert.equal(
        err.message,
        `Request to https://127.0.0.1:${port}/api/account failed: no response within 0.3 s (timeout)`,
      );
    }
  } finally {
    listener.close();
    await accepting.catch(() => {});
    for (const conn of held) conn.close();
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
        const err = await rejection(client.getJson("/drip"));
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
        const err = await rejection(client.getJson("/big"));
        assert.ok(err instanceof UnexpectedResponseError, String(err));
        assert.equal(err.message, `Response from ${server.url}/big is larger than 1 KiB`);
        assert.equal((await client.getJson<string>("/fits")).length, 1022);
      } finally {
        client.close();
      }
    }
  });
});

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
        const account = await client.getJson<{ user: { username: string } }>("/old");
        assert.equal(account.user.username, "jane");
        assert.deepEqual(await client.postJson("/form", { a: 1 }), { landed: true });
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
        const err = await rejection(client.getJson("/away"));
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
      await client.getJson("/api/account");
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

/** A minimal HTTP CONNECT proxy that records the tunnels it opens. */
function connectProxy() {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const tunnels: string[] = [];
  const conns: Deno.Conn[] = [];
  const pipes: Promise<unknown>[] = [];
  const serving = (async () => {
    for await (const conn of listener) {
      conns.push(conn);
      pipes.push(
        (async () => {
          const buffer = new Uint8Array(8192);
          const read = await conn.read(buffer);
          const head = new TextDecoder().decode(buffer.subarray(0, read ?? 0));
          const target = head.split(" ")[1] ?? "";
          tunnels.push(`${head.split(" ")[0]} ${target}`);
          const [hostname, port] = target.split(":");
          const upstream = await Deno.connect({ hostname: hostname ?? "", port: Number(port) });
          conns.push(upstream);
          await conn.write(new TextEncoder().encode("HTTP/1.1 200 Connection established\r\n\r\n"));
          await Promise.all([
            conn.readable.pipeTo(upstream.writable).catch(() => {}),
            upstream.readable.pipeTo(conn.writable).catch(() => {}),
          ]);
        })().catch(() => {}),
      );
    }
  })();
  return {
    url: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`,
    tunnels,
    async close() {
      listener.close();
      await serving.catch(() => {});
      for (const conn of conns) {
        try {
          conn.close();
        } catch { /* already closed */ }
      }
      await Promise.all(pipes);
    },
  };
}

Deno.test("proxy_servers and HTTPS_PROXY tunnel requests through the proxy; NO_PROXY bypasses it", async () => {
  await withServer({}, async (server) => {
    const proxy = connectProxy();
    try {
      for (const ssl_verify of [server.caPath ?? true, false]) {
        const { client } = clientFor(server, { proxy_servers: { https: proxy.url }, ssl_verify });
        try {
          const discovery = await client.getJson<{ issuer: string }>(
            "/.well-known/openid-configuration",
          );
          assert.equal(discovery.issuer, server.url);
        } finally {
          client.close();
        }
      }
      assert.deepEqual(proxy.tunnels, [`CONNECT ${server.domain}`, `CONNECT ${server.domain}`]);

      const viaEnv = clientFor(server, {}, {
        context: realContext({ env: { HTTPS_PROXY: proxy.url } }),
      });
      try {
        await (await viaEnv.client.request("/x")).body?.cancel();
      } finally {
        viaEnv.client.close();
      }
      assert.equal(proxy.tunnels.length, 3);

      const bypass = clientFor(server, {}, {
        context: realContext({ env: { HTTPS_PROXY: proxy.url, NO_PROXY: "localhost,127.0.0.1" } }),
      });
      try {
        await (await bypass.client.request("/y")).body?.cancel();
      } finally {
        bypass.client.close();
      }
      assert.equal(proxy.tunnels.length, 3);
      assert.equal(server.requests.at(-1)?.path, "/y");
    } finally {
      await proxy.close();
    }
  });
});

Deno.test("a proxy that refuses the connection is named in the error; a bad proxy URL is a config error", async () => {
  const proxyPort = closedPort();
  const viaProxy = new Client({
    context: realContext({ env: { HTTPS_PROXY: `http://user:secret@127.0.0.1:${proxyPort}` } }),
    config: siteConfig({ domain: "127.0.0.1:8443" }),
  });
  const refused = await rejection(viaProxy.getJson("/api/account"));
  viaProxy.close();
  assert.ok(refused instanceof NetworkError, String(refused));
  assert.equal(
    refused.message,
    `Request to https://127.0.0.1:8443/api/account failed: connection refused ` +
      `(through the proxy http://127.0.0.1:${proxyPort})`,
  );
  const cases: [FakeContextOptions, Partial<SiteConfig>, string][] = [
    [{ env: { HTTPS_PROXY: "http://user:secret@[bad" } }, {}, "HTTPS_PROXY"],
    [{}, { proxy_servers: { https: "http://user:secret@[bad" } }, "proxy_servers https"],
  ];
  for (const [context, config, source] of cases) {
    const client = new Client({
      context: realContext(context),
      config: siteConfig({ domain: "127.0.0.1:8443", ...config }),
    });
    const err = await rejection(client.getJson("/api/account"));
    client.close();
    assert.equal(
      `${err.name}: ${err.message}`,
      `ConfigError: The proxy URL http://***@[bad (${source}) is not valid`,
    );
  }
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

/** `openssl s_server` demanding a client certificate; its page says whether one came. */
async function mutualTlsServer(certs: TestCertificates, connections: number) {
  const port = closedPort();
  const child = new Deno.Command("openssl", {
    args: [
      "s_server",
      "-accept",
      `127.0.0.1:${port}`,
      "-cert",
      certs.certPath,
      "-key",
      certs.keyPath,
      "-CAfile",
      certs.caPath,
      "-Verify",
      "1",
      "-www",
      "-naccept",
      String(connections),
    ],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  // Wait until it listens: generous on a loaded machine, and fail at once if it exited.
  let exited = false;
  void child.status.then(() => {
    exited = true;
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      break;
    } catch (err) {
      if (exited) throw new Error(`openssl s_server did not start on port ${port}`);
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  return {
    domain: `127.0.0.1:${port}`,
    async close() {
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
      await child.status;
    },
  };
}

Deno.test({
  ...unlessWine(
    "client_cert and client_cert_key are presented to a server that demands them",
    NO_OPENSSL,
  ),
}, async () => {
  const certs = await createTestCertificates();
  // One connection for the readiness probe, then three requests.
  const server = await mutualTlsServer(certs, 4);
  try {
    const client = (overrides: Partial<SiteConfig>) =>
      new Client({
        context: realContext(),
        config: siteConfig({ domain: server.domain, ssl_verify: certs.caPath, ...overrides }),
      });
    for (const ssl_verify of [certs.caPath, false]) {
      const withCert = client({
        client_cert: certs.certPath,
        client_cert_key: certs.keyPath,
        ssl_verify,
      });
      try {
        const response = await withCert.request("/");
        assert.equal(response.status, 200);
        assert.match(await response.text(), /Client certificate/);
      } finally {
        withCert.close();
      }
    }
    const without = client({});
    const err = await rejection(without.request("/"));
    without.close();
    assert.ok(err instanceof NetworkError);
    assert.equal(err.kind, "tls");
    assert.match(err.message, /CertificateRequired/);
  } finally {
    await server.close();
    await certs.remove();
  }
});
