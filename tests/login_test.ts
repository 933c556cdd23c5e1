/**
 * `anaconda auth login` with the device flow, end to end against the stand-in service
 * (scripts/stand_in/) over HTTPS with a test CA.
 */
import assert from "node:assert/strict";
import { startDevServer } from "../scripts/stand_in/server.ts";
import { requestLines, siteEnv, storedToken, TEST_BROWSER, writeKeyring } from "./dev_site.ts";
import { runCli, tempHome } from "./support.ts";

Deno.test("device login: instructions on stderr, polling until approved, key stored", async () => {
  await using home = await tempHome();
  // Two `authorization_pending` answers before the approval, polled without delay.
  await using server = await startDevServer({ interval: 0, approveAfterPolls: 2 });
  const result = await runCli(["auth", "login"], { home: home.path, env: siteEnv(server) });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, "");
  const [state] = [...server.deviceCodes.values()];
  assert.ok(state);
  assert.ok(
    result.stderr.startsWith(
      "Attempting to automatically open the authorization page in your default browser.\n" +
        "If the browser does not open or you wish to use a different device to authorize this " +
        `request, open the following URL:\n\n${server.url}/device\n\n` +
        `Then enter the code:\n\n${state.userCode}\n\n` +
        "Waiting for authorization (CTRL-C to cancel)\n",
    ),
    result.stderr,
  );
  assert.match(
    result.stderr,
    /✓ Login successful! API key stored in file keyring ~[\\/]\.anaconda[\\/]keyring\n$/,
  );
  assert.equal(state.polls, 3);
  // Discovery is fetched once for the whole login (D29), though polled three times.
  assert.deepEqual(requestLines(server), [
    "GET /.well-known/openid-configuration",
    "POST /api/auth/oauth2/device/authorize",
    "POST /api/auth/oauth2/token",
    "POST /api/auth/oauth2/token",
    "POST /api/auth/oauth2/token",
    "POST /api/auth/api-keys",
  ]);
  const apiKeyRequest = server.requests.at(-1)!;
  assert.deepEqual(apiKeyRequest.json, {
    scopes: ["cloud:read", "cloud:write", "repo:read"],
    tags: ["anaconda-auth/v0.1.0"],
  });
  const stored = await storedToken(home.path, server.domain);
  assert.ok(stored?.api_key);
  assert.equal(stored.domain, server.domain);
  // The stored key works: whoami prints the account.
  const whoami = await runCli(["auth", "whoami"], { home: home.path, env: siteEnv(server) });
  assert.equal(whoami.code, 0, whoami.stderr);
  assert.equal(JSON.parse(whoami.stdout).user.email, "jane.doe@example.com");
});

Deno.test("device login waits for a manual approval", async () => {
  await using home = await tempHome();
  await using server = await startDevServer({ interval: 0.05 });
  const running = runCli(["login"], { home: home.path, env: siteEnv(server) });
  const userCode = await server.waitForUserCode();
  await server.waitForRequest("POST /api/auth/oauth2/token");
  server.approve(userCode);
  const result = await running;
  assert.equal(result.code, 0, result.stderr);
  assert.ok((await storedToken(home.path, server.domain))?.api_key);
});

Deno.test("device login opens verification_uri_complete, or verification_uri without it (D30)", async () => {
  for (const noVerificationUriComplete of [false, true]) {
    await using home = await tempHome();
    await using server = await startDevServer({
      interval: 0.05,
      deviceApproval: "on-visit",
      noVerificationUriComplete,
    });
    const running = runCli(["auth", "login"], {
      home: home.path,
      env: siteEnv(server, { BROWSER: TEST_BROWSER, TEST_BROWSER_MODE: "visit" }),
    });
    const visit = await server.waitForRequest("GET /device");
    if (noVerificationUriComplete) server.approve();
    const result = await running;
    assert.equal(result.code, 0, result.stderr);
    const userCode = [...server.deviceCodes.values()][0]?.userCode;
    assert.deepEqual(visit.query, noVerificationUriComplete ? {} : { user_code: userCode });
  }
});

Deno.test("slow_down makes the device login poll 5 seconds later (after the 1 s floor)", async () => {
  await using home = await tempHome();
  await using server = await startDevServer({
    interval: 0,
    slowDowns: 1,
    deviceApproval: "immediate",
  });
  const result = await runCli(["auth", "login"], { home: home.path, env: siteEnv(server) });
  assert.equal(result.code, 0, result.stderr);
  // The server's interval of 0 s counts as 1 s (no flood of polls); 5 s more after slow_down.
  assert.match(result.stderr, /The server asked to slow down: polling every 6 s\n/);
  assert.equal([...server.deviceCodes.values()][0]?.polls, 2);
});

Deno.test("a denied device login fails and stores nothing", async () => {
  await using home = await tempHome();
  await using server = await startDevServer({ interval: 0, deviceApproval: "deny" });
  const result = await runCli(["auth", "login"], { home: home.path, env: siteEnv(server) });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /\nDeviceFlowDenied: User denied authorization\n$/);
  assert.equal(await storedToken(home.path, server.domain), null);
});

Deno.test("an expired device code fails the login", async () => {
  await using home = await tempHome();
  await using server = await startDevServer({ interval: 0.05 });
  const running = runCli(["auth", "login"], { home: home.path, env: siteEnv(server) });
  server.expire(await server.waitForUserCode());
  const result = await running;
  assert.equal(result.code, 1);
  assert.match(result.stderr, /\nDeviceFlowTimeout: Device code expired\n$/);
  assert.equal(await storedToken(home.path, server.domain), null);
});

Deno.test("the device login gives up after expires_in seconds", async () => {
  await using home = await tempHome();
  await using server = await startDevServer({ interval: 0.05, deviceExpiresIn: 0.3 });
  // The server would still answer `authorization_pending`: the client stops by itself.
  server.settings.now = () => 0;
  const result = await runCli(["auth", "login"], { home: home.path, env: siteEnv(server) });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /\nDeviceFlowTimeout: Device authorization timed out\n$/);
});

Deno.test("a login keeps the stored repo tokens and username (D27)", async () => {
  await using home = await tempHome();
  await using server = await startDevServer({ interval: 0, deviceApproval: "immediate" });
  await writeKeyring(home.path, {
    domain: server.domain,
    api_key: await server.issueApiKey({ expiresIn: -60 }),
    username: "jane",
    repo_tokens: [{ token: "repo-token-1", org_name: "acme" }],
    version: 2,
  });
  const result = await runCli(["auth", "login"], { home: home.path, env: siteEnv(server) });
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stderr,
    new RegExp(`^Your API key has expired, logging into ${server.domain}\n`),
  );
  const stored = await storedToken(home.path, server.domain);
  assert.equal(stored?.username, "jane");
  assert.deepEqual(stored?.repo_tokens, [{ token: "repo-token-1", org_name: "acme" }]);
});

Deno.test("when already logged in, login asks first; no or end of input keeps the key", async () => {
  await using home = await tempHome();
  await using server = await startDevServer({ interval: 0, deviceApproval: "immediate" });
  const apiKey = await server.issueApiKey();
  await writeKeyring(home.path, {
    domain: server.domain,
    api_key: apiKey,
    username: null,
    repo_tokens: [],
    version: 2,
  });
  const question =
    `You are already logged into Anaconda (${server.domain}). Would you like to force a new login? [y/n] (n): `;
  for (const stdin of ["n\n", "", "\n"]) {
    const result = await runCli(["auth", "login"], {
      home: home.path,
      env: siteEnv(server),
      stdin,
    });
    assert.equal(result.code, 0, result.stderr);
    assert.ok(result.stderr.startsWith(question), result.stderr);
  }
  assert.equal(server.requests.length, 0);
  assert.equal((await storedToken(home.path, server.domain))?.api_key, apiKey);
  const again = await runCli(["auth", "login"], {
    home: home.path,
    env: siteEnv(server),
    stdin: "y\n",
  });
  assert.equal(again.code, 0, again.stderr);
  assert.notEqual((await storedToken(home.path, server.domain))?.api_key, apiKey);
  const forced = await runCli(["auth", "login", "--force"], {
    home: home.path,
    env: siteEnv(server),
  });
  assert.equal(forced.code, 0, forced.stderr);
  assert.doesNotMatch(forced.stderr, /already logged into/);
});

Deno.test("the API-key exchange falls back to /api/iam/api-keys", async () => {
  await using home = await tempHome();
  await using server = await startDevServer({
    interval: 0,
    deviceApproval: "immediate",
    apiKeyFailures: { auth: 404 },
  });
  const result = await runCli(["auth", "login"], { home: home.path, env: siteEnv(server) });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(requestLines(server).slice(-2), [
    "POST /api/auth/api-keys",
    "POST /api/iam/api-keys",
  ]);
  assert.ok((await storedToken(home.path, server.domain))?.api_key);
});

Deno.test("no API key from either URL fails the login and names both", async () => {
  await using home = await tempHome();
  await using server = await startDevServer({
    interval: 0,
    deviceApproval: "immediate",
    apiKeyFailures: { auth: 404, iam: 500 },
  });
  const result = await runCli(["auth", "login"], { home: home.path, env: siteEnv(server) });
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    new RegExp(
      `\nAuthenticationError: Error retrieving an API key: https://${server.domain}/api/auth/api-keys answered HTTP 404; ` +
        `https://${server.domain}/api/iam/api-keys answered HTTP 500\n$`,
    ),
  );
  assert.equal(await storedToken(home.path, server.domain), null);
});

Deno.test("--no-ssl-verify overrides ssl_verify for the login", async () => {
  await using home = await tempHome();
  await using server = await startDevServer({ interval: 0, deviceApproval: "immediate" });
  const env = siteEnv(server, { ANACONDA_AUTH_SSL_VERIFY: "true" });
  const refused = await runCli(["auth", "login"], { home: home.path, env });
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /NetworkError: .*TLS/);
  const result = await runCli(["auth", "login", "--no-ssl-verify"], { home: home.path, env });
  assert.equal(result.code, 0, result.stderr);
});
