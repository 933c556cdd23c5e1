/**
 * Network and server faults as a user of the real CLI sees them: `anaconda auth whoami`
 * against the stand-in service with a test CA (each `ssl_verify` mode), a closed port,
 * a server that never answers, an HTTP 500 HTML page and an HTML page instead of JSON.
 * Each failure is one `ErrorName: message` line on stderr naming the URL, exit 1.
 */
import assert from "node:assert/strict";
import { startDevServer } from "./stand_in/server.ts";
import { siteEnv } from "./dev_site.ts";
import { runCli, tempHome } from "./support.ts";

Deno.test("whoami over TLS: the test CA's path passes, true fails in one clear line, false passes", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  assert.ok(server.caPath, "the stand-in service runs HTTPS with a test CA");
  const apiKey = await server.issueApiKey();
  const run = (sslVerify: string) =>
    runCli(["auth", "whoami"], {
      home: home.path,
      env: siteEnv(server, { ANACONDA_AUTH_API_KEY: apiKey, ANACONDA_AUTH_SSL_VERIFY: sslVerify }),
    });

  const withCa = await run(server.caPath);
  assert.equal(withCa.code, 0, withCa.stderr);
  assert.equal(JSON.parse(withCa.stdout).user.username, "jane");

  const strict = await run("true");
  assert.deepEqual(strict, {
    code: 1,
    stdout: "",
    stderr: `NetworkError: Request to ${server.url}/api/account failed: TLS error: invalid peer ` +
      `certificate: UnknownIssuer; if the site uses a private CA, set ssl_verify to its PEM ` +
      `file, or to "truststore" for the system store\n`,
  });

  const insecure = await run("false");
  assert.equal(insecure.code, 0, insecure.stderr);
  assert.equal(JSON.parse(insecure.stdout).user.username, "jane");
  // Both successful runs reached the service; the refused one never got a request through.
  assert.equal(server.requests.filter((request) => request.path === "/api/account").length, 2);
});

Deno.test("whoami against a closed port: NetworkError naming the URL and connection refused", async () => {
  await using home = await tempHome();
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const result = await runCli(["auth", "whoami"], {
    home: home.path,
    env: { ANACONDA_AUTH_DOMAIN: `127.0.0.1:${port}`, ANACONDA_AUTH_API_KEY: "k" },
  });
  assert.deepEqual(result, {
    code: 1,
    stdout: "",
    stderr: `NetworkError: Request to https://127.0.0.1:${port}/api/account failed: ` +
      "connection refused\n",
  });
});

Deno.test("whoami against a server that never answers stops after the timeout", async () => {
  await using home = await tempHome();
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const held: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of listener) held.push(conn);
  })();
  try {
    const result = await runCli(["auth", "whoami"], {
      home: home.path,
      env: {
        ANACONDA_AUTH_DOMAIN: `127.0.0.1:${port}`,
        ANACONDA_AUTH_API_KEY: "k",
        ANACONDA_AUTH_TIMEOUT: "0.5",
      },
    });
    assert.deepEqual(result, {
      code: 1,
      stdout: "",
      stderr: `NetworkError: Request to https://127.0.0.1:${port}/api/account failed: ` +
        "no response within 0.5 s (timeout)\n",
    });
    // The CLI did connect: it was the answer that never came.
    assert.ok(held.length >= 1);
  } finally {
    listener.close();
    await accepting.catch(() => {});
    for (const conn of held) conn.close();
  }
});

Deno.test("whoami with an HTTP 500 HTML page: the Python tool's HTTPError line, no HTML dumped", async () => {
  await using home = await tempHome();
  await using server = await startDevServer({
    routes: {
      "GET /api/account": () =>
        new Response("<html><body>Oops, secret stack trace</body></html>", {
          status: 500,
          headers: { "Content-Type": "text/html" },
        }),
    },
  });
  const result = await runCli(["auth", "whoami"], {
    home: home.path,
    env: siteEnv(server, { ANACONDA_AUTH_API_KEY: await server.issueApiKey() }),
  });
  assert.deepEqual(result, {
    code: 1,
    stdout: "",
    stderr:
      `HTTPError: 500 Server Error: Internal Server Error for url: ${server.url}/api/account\n`,
  });
});

Deno.test("whoami given an HTML page instead of JSON names the content type, not the page", async () => {
  await using home = await tempHome();
  await using server = await startDevServer({
    routes: {
      "GET /api/account": () =>
        new Response("<!doctype html><title>Sign in</title>", {
          headers: { "Content-Type": "text/html; charset=utf-8" },
        }),
    },
  });
  const result = await runCli(["auth", "whoami"], {
    home: home.path,
    env: siteEnv(server, { ANACONDA_AUTH_API_KEY: await server.issueApiKey() }),
  });
  assert.deepEqual(result, {
    code: 1,
    stdout: "",
    stderr: `UnexpectedResponseError: Unexpected response from ${server.url}/api/account: ` +
      "expected JSON but got text/html (HTTP 200)\n",
  });
});
