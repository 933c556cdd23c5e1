/**
 * The browser login (authorization code + PKCE) end to end: `$BROWSER` is a stand-in
 * browser (tests/fixtures/browser.ts) that loads the authorization URL of the stand-in
 * service and follows its redirect back to the CLI's local redirect server.
 */
import assert from "node:assert/strict";
import { type DevServerOptions, startDevServer } from "../scripts/stand_in/server.ts";
import { browserLog, requestLines, siteEnv, storedToken, TEST_BROWSER } from "./dev_site.ts";
import { runCli, tempHome } from "./support.ts";

async function browserLogin(
  serverOptions: DevServerOptions,
  env: Record<string, string>,
  test: (
    result: { code: number; stdout: string; stderr: string },
    context: {
      server: Awaited<ReturnType<typeof startDevServer>>;
      home: string;
      visits: Awaited<ReturnType<typeof browserLog>>;
    },
  ) => Promise<void> | void,
): Promise<void> {
  await using home = await tempHome();
  await using server = await startDevServer(serverOptions);
  const logPath = `${home.path}/browser.log`;
  const result = await runCli(["auth", "login"], {
    home: home.path,
    env: siteEnv(server, { BROWSER: TEST_BROWSER, TEST_BROWSER_LOG: logPath, ...env }),
  });
  // The CLI started the browser once it said it waits for it.
  const launched = result.stderr.includes("Waiting for the browser login");
  const visits = await browserLog(logPath, { launched });
  await test(result, { server, home: home.path, visits });
}

const NO_DEVICE_FLOW = { ANACONDA_AUTH_USE_DEVICE_FLOW: "false" };

Deno.test("browser login with PKCE stores a key; the browser lands on the success page", async () => {
  await browserLogin({}, NO_DEVICE_FLOW, async (result, { server, home, visits }) => {
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "");
    assert.match(
      result.stderr,
      /If it does not open, visit:\n\nhttps:\/\/127\.0\.0\.1:\d+\/authorize\?/,
    );
    assert.match(result.stderr, /✓ Login successful! API key stored in file keyring/);
    assert.deepEqual(visits.map((visit) => visit.status), [302, 307, 200]);
    assert.equal(visits[1]?.location, `https://${server.domain}/app/local-login-success`);
    const authorize = server.requests.find((request) => request.path === "/authorize");
    assert.equal(authorize?.query.code_challenge_method, "S256");
    assert.equal(authorize?.query.scope, "openid email profile offline_access");
    const exchange = server.requests.find((request) =>
      request.form?.grant_type === "authorization_code"
    );
    assert.equal(exchange?.form?.code_verifier?.length, 128);
    assert.equal(exchange?.form?.redirect_uri, authorize?.query.redirect_uri);
    assert.ok(!requestLines(server).includes("POST /api/auth/oauth2/device/authorize"));
    assert.ok((await storedToken(home, server.domain))?.api_key);
  });
});

Deno.test("login falls back to the browser flow when discovery has no device endpoint (D28)", async () => {
  await browserLogin({ noDeviceEndpoint: true }, {}, async (result, { server, home }) => {
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stderr,
      new RegExp(
        `^${server.domain} does not offer the device login; using the browser login instead\n`,
      ),
    );
    assert.ok((await storedToken(home, server.domain))?.api_key);
  });
});

Deno.test("a callback with a forged state is rejected before any code exchange", async () => {
  await browserLogin(
    {},
    { ...NO_DEVICE_FLOW, TEST_BROWSER_MODE: "wrong-state" },
    async (result, { server, home, visits }) => {
      assert.equal(result.code, 1);
      assert.match(result.stderr, /\nAuthenticationError: State does not match\n$/);
      assert.equal(visits[1]?.location, `https://${server.domain}/app/local-login-error`);
      assert.ok(!server.requests.some((request) => request.path === "/api/auth/oauth2/token"));
      assert.equal(await storedToken(home, server.domain), null);
    },
  );
});

Deno.test("the server checks the PKCE verifier: a changed challenge fails the login", async () => {
  await browserLogin(
    {},
    { ...NO_DEVICE_FLOW, TEST_BROWSER_MODE: "wrong-challenge" },
    async (result, { server, home }) => {
      assert.equal(result.code, 1);
      assert.match(
        result.stderr,
        /\nAuthenticationError: Error getting JWT: invalid_grant - PKCE verification failed\n$/,
      );
      assert.equal(await storedToken(home, server.domain), null);
    },
  );
});

Deno.test("the redirect server answers 404 to other paths and keeps waiting", async () => {
  await browserLogin(
    {},
    { ...NO_DEVICE_FLOW, TEST_BROWSER_MODE: "stray-path" },
    (result, { visits }) => {
      assert.equal(result.code, 0, result.stderr);
      assert.match(visits[1]?.url ?? "", /^http:\/\/127\.0\.0\.1:\d+\/favicon\.ico$/);
      assert.equal(visits[1]?.status, 404);
      assert.equal(visits[2]?.status, 307);
    },
  );
});

Deno.test("iss is checked when the provider supports RFC 9207 (D31)", async () => {
  await browserLogin({ issParameter: true }, NO_DEVICE_FLOW, (result) => {
    assert.equal(result.code, 0, result.stderr);
  });
  await browserLogin({ issParameter: "wrong" }, NO_DEVICE_FLOW, (result, { server }) => {
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /\nAuthenticationError: The authorization response comes from issuer "https:\/\/evil\.example", expected "https:\/\/127\.0\.0\.1:\d+"\n$/,
    );
    assert.ok(!server.requests.some((request) => request.path === "/api/auth/oauth2/token"));
  });
});

Deno.test("a redirect_uri without a port is a config error", async () => {
  await browserLogin(
    {},
    { ...NO_DEVICE_FLOW, ANACONDA_AUTH_REDIRECT_URI: "http://127.0.0.1/auth/oidc" },
    (result) => {
      assert.equal(result.code, 1);
      assert.match(
        result.stderr,
        /^ConfigError: redirect_uri http:\/\/127\.0\.0\.1\/auth\/oidc must include a port\n$/,
      );
    },
  );
});
