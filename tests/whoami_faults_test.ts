/**
 * Network and server faults as a user of the real CLI sees them: `anaconda auth whoami`
 * (and `auth login` where it reads the same kind of answer) against the stand-in service
 * with a test CA (each `ssl_verify` mode), a closed port, a server that never answers,
 * an HTTP 500 HTML page, an HTML page instead of JSON, an endless or dripping body, a
 * redirect loop, and JSON of the wrong shape. Each failure is one `ErrorName: message`
 * line on stderr naming the URL (a network failure then points at `auth doctor`), exit 1.
 */
import assert from "node:assert/strict";
import { type RouteHandler, startDevServer } from "../scripts/stand_in/server.ts";
import { siteEnv } from "./dev_site.ts";
import { drippingJson, endlessJson, silentServer } from "./http_faults.ts";
import { type CliResult, runCli, tempHome } from "./support.ts";
import { DOCTOR_HINT } from "../src/cli/framework/errors.ts";

/** A fault that is not fixed would run forever (or eat the machine's memory): stop early. */
const FAULT_RUN_MS = 20_000;

/** `auth whoami`, with a valid API key, against a service whose `/api/account` is `account`. */
async function whoamiAgainst(account: RouteHandler): Promise<{ result: CliResult; url: string }> {
  await using home = await tempHome();
  await using server = await startDevServer({ routes: { "GET /api/account": account } });
  const result = await runCli(["auth", "whoami"], {
    home: home.path,
    env: siteEnv(server, { ANACONDA_AUTH_API_KEY: await server.issueApiKey() }),
    timeoutMs: FAULT_RUN_MS,
  });
  return { result, url: `${server.url}/api/account` };
}

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
      `file, or to "truststore" for the system store\n${DOCTOR_HINT}\n`,
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
      `connection refused\n${DOCTOR_HINT}\n`,
  });
});

Deno.test("whoami against a server that never answers stops after the timeout", async () => {
  await using home = await tempHome();
  await using server = silentServer();
  const { port } = server;
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
      `no response within 0.5 s (timeout)\n${DOCTOR_HINT}\n`,
  });
  // The CLI did connect: it was the answer that never came.
  assert.ok(server.connections >= 1);
});

Deno.test("whoami with an HTTP 500 HTML page: the Python tool's HTTPError line, no HTML dumped", async () => {
  const { result, url } = await whoamiAgainst(() =>
    new Response("<html><body>Oops, secret stack trace</body></html>", {
      status: 500,
      headers: { "Content-Type": "text/html" },
    })
  );
  assert.deepEqual(result, {
    code: 1,
    stdout: "",
    stderr: `HTTPError: 500 Server Error: Internal Server Error for url: ${url}\n`,
  });
});

Deno.test("whoami given an HTML page instead of JSON names the content type, not the page", async () => {
  const { result, url } = await whoamiAgainst(() =>
    new Response("<!doctype html><title>Sign in</title>", {
      headers: { "Content-Type": "text/html; charset=utf-8" },
    })
  );
  assert.deepEqual(result, {
    code: 1,
    stdout: "",
    stderr: `UnexpectedResponseError: Response from ${url} is text/html, not JSON (HTTP 200)\n`,
  });
});

Deno.test("whoami and login stop reading an endless body at 4 MiB with one clear line", async () => {
  await using home = await tempHome();
  await using server = await startDevServer({
    routes: {
      "GET /api/account": endlessJson,
      "GET /.well-known/openid-configuration": endlessJson,
    },
  });
  const env = siteEnv(server, { ANACONDA_AUTH_API_KEY: await server.issueApiKey() });
  const whoami = await runCli(["auth", "whoami"], {
    home: home.path,
    env,
    timeoutMs: FAULT_RUN_MS,
  });
  assert.deepEqual(whoami, {
    code: 1,
    stdout: "",
    stderr: `UnexpectedResponseError: Response from ${server.url}/api/account is larger ` +
      "than 4 MiB\n",
  });
  const login = await runCli(["auth", "login", "--force"], {
    home: home.path,
    env: siteEnv(server),
    timeoutMs: FAULT_RUN_MS,
  });
  assert.deepEqual(login, {
    code: 1,
    stdout: "",
    stderr: `UnexpectedResponseError: Response from ${server.url}/.well-known/openid-` +
      "configuration is larger than 4 MiB\n",
  });
});

Deno.test("whoami and login give up on a dripping body when the timeout has passed", async () => {
  await using home = await tempHome();
  await using server = await startDevServer({
    routes: {
      "GET /api/account": (_request, { closed }) => drippingJson(closed),
      "GET /.well-known/openid-configuration": (_request, { closed }) => drippingJson(closed),
    },
  });
  const env = siteEnv(server, { ANACONDA_AUTH_TIMEOUT: "1" });
  const started = Date.now();
  const whoami = await runCli(["auth", "whoami"], {
    home: home.path,
    env: { ...env, ANACONDA_AUTH_API_KEY: await server.issueApiKey() },
    timeoutMs: FAULT_RUN_MS,
  });
  assert.deepEqual(whoami, {
    code: 1,
    stdout: "",
    stderr: `NetworkError: Request to ${server.url}/api/account failed: the response did not ` +
      `finish within 1 s (timeout)\n${DOCTOR_HINT}\n`,
  });
  const login = await runCli(["auth", "login", "--force"], {
    home: home.path,
    env,
    timeoutMs: FAULT_RUN_MS,
  });
  assert.deepEqual(login, {
    code: 1,
    stdout: "",
    stderr: `NetworkError: Request to ${server.url}/.well-known/openid-configuration failed: ` +
      `the response did not finish within 1 s (timeout)\n${DOCTOR_HINT}\n`,
  });
  // Two runs of about a second each (plus start-up), not the 20 s of a stuck one.
  assert.ok(Date.now() - started < 15_000, `took ${Date.now() - started} ms`);
});

Deno.test("a redirect loop gives the same one line with ssl_verify a CA file or false", async () => {
  await using home = await tempHome();
  await using server = await startDevServer({
    routes: {
      "GET /api/account": () =>
        new Response(null, { status: 302, headers: { Location: "/api/account" } }),
    },
  });
  const apiKey = await server.issueApiKey();
  for (const sslVerify of [server.caPath ?? "true", "false"]) {
    const result = await runCli(["auth", "whoami"], {
      home: home.path,
      env: siteEnv(server, { ANACONDA_AUTH_API_KEY: apiKey, ANACONDA_AUTH_SSL_VERIFY: sslVerify }),
      timeoutMs: FAULT_RUN_MS,
    });
    // With verification off, the run's one warning says so first.
    const warning = sslVerify === "false"
      ? "Warning: TLS certificate verification is off (ssl_verify = false, set by environment " +
        "variable ANACONDA_AUTH_SSL_VERIFY): servers are not checked, so keys and tokens sent " +
        "to them could reach an impostor\n"
      : "";
    assert.deepEqual(result, {
      code: 1,
      stdout: "",
      stderr: `${warning}UnexpectedResponseError: Response from ${server.url}/api/account ` +
        "redirected more than 20 times\n",
    }, `ssl_verify=${sslVerify}`);
  }
  // The first request and 20 redirects, for each run.
  assert.equal(server.requests.filter((request) => request.path === "/api/account").length, 42);
});

Deno.test("whoami refuses an account that is not a JSON object with a user object", async () => {
  const array = await whoamiAgainst(() => Response.json([]));
  assert.deepEqual(array.result, {
    code: 1,
    stdout: "",
    stderr: `UnexpectedResponseError: Response from ${array.url} is not a JSON object\n`,
  });
  const noUser = await whoamiAgainst(() => Response.json({ user: "jane", profile: {} }));
  assert.deepEqual(noUser.result, {
    code: 1,
    stdout: "",
    stderr: `UnexpectedResponseError: Response from ${noUser.url} is not an account: "user" ` +
      "is not an object\n",
  });
});

Deno.test("whoami names invalid JSON served as application/json as invalid JSON", async () => {
  const { result, url } = await whoamiAgainst(() =>
    new Response('{"user": {"username": "jane"}', {
      headers: { "Content-Type": "application/json" },
    })
  );
  assert.deepEqual(result, {
    code: 1,
    stdout: "",
    stderr: `UnexpectedResponseError: Response from ${url} is not valid JSON: Expected ',' or ` +
      "'}' after property value in JSON at position 29 (line 1 column 30)\n",
  });
});
