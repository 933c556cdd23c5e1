/**
 * `anaconda auth whoami`, `anaconda whoami|login|logout` (with `--at` and the
 * destination rules) and `anaconda auth login --with-token`, end to end against the
 * stand-in service.
 */
import assert from "node:assert/strict";
import { startDevServer } from "../scripts/stand_in/server.ts";
import { NO_BROWSER, siteEnv, storedToken, writeKeyring } from "./dev_site.ts";
import { runCli, tempHome } from "./support.ts";
import { FILE_KEYRING_LABEL } from "./paths.ts";

/** The login hint; a domain that is not a configured site gets `anaconda auth login`. */
const HINT_PATTERN =
  /\nTo log in, run: anaconda (login --at \S+|auth login) \(or set ANACONDA_AUTH_API_KEY\)\n/;

Deno.test("whoami prints the account with its domain as JSON with sorted keys", async () => {
  await using home = await tempHome();
  await using server = await startDevServer({
    subscriptions: [{ org_id: "o-1", product_code: "business" }],
  });
  const apiKey = await server.issueApiKey();
  const result = await runCli(["auth", "whoami"], {
    home: home.path,
    env: siteEnv(server, { ANACONDA_AUTH_API_KEY: apiKey }),
  });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, `Your info (${server.domain}):\n`);
  const user = server.user();
  assert.equal(
    result.stdout,
    JSON.stringify(
      {
        domain: server.domain,
        profile: { is_confirmed: true, is_consented: true, is_disabled: false },
        subscriptions: [{ org_id: "o-1", product_code: "business" }],
        user: {
          email: user.email,
          first_name: "Jane",
          id: user.id,
          last_name: "Doe",
          username: "jane",
        },
      },
      null,
      2,
    ) + "\n",
  );
  const account = server.requests.find((request) => request.path === "/api/account");
  assert.equal(account?.headers.authorization, `Bearer ${apiKey}`);
});

Deno.test("whoami without credentials is TokenNotFoundError with the login hint (D43)", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  const result = await runCli(["whoami"], { home: home.path, env: siteEnv(server) });
  assert.equal(result.code, 1);
  assert.equal(result.stdout, "");
  // The error, and one line with the command to run. The stand-in's domain comes from
  // ANACONDA_AUTH_DOMAIN, not a site: --at would refuse it.
  assert.equal(
    result.stderr,
    "TokenNotFoundError: Login is required to complete this action.\n" +
      "To log in, run: anaconda auth login (or set ANACONDA_AUTH_API_KEY)\n",
  );
  // Not a terminal: no question, and nothing was sent.
  assert.doesNotMatch(result.stderr, /Continue with interactive login/);
  assert.equal(server.requests.length, 0);
});

Deno.test("whoami with an expired stored key is TokenExpiredError", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  await writeKeyring(home.path, {
    domain: server.domain,
    api_key: await server.issueApiKey({ expiresIn: -5 }),
    username: null,
    repo_tokens: [],
    version: 2,
  });
  const result = await runCli(["auth", "whoami"], { home: home.path, env: siteEnv(server) });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^TokenExpiredError: Your login token has expired\n/);
  assert.match(result.stderr, HINT_PATTERN);
});

Deno.test("an API key the service rejects gives InvalidAuthentication", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  const result = await runCli(["auth", "whoami"], {
    home: home.path,
    env: siteEnv(server, { ANACONDA_AUTH_API_KEY: "not-a-key-the-server-issued" }),
  });
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /^InvalidAuthentication: Your provided API Key or login token is invalid\n/,
  );
  assert.match(result.stderr, HINT_PATTERN);
  assert.doesNotMatch(result.stderr, /not-a-key-the-server-issued/);
});

Deno.test("login --with-token stores a valid key from stdin, keeping repo tokens", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  await writeKeyring(home.path, {
    domain: server.domain,
    api_key: null,
    username: "jane",
    repo_tokens: [{ token: "repo-1", org_name: "acme" }],
    version: 2,
  });
  const apiKey = await server.issueApiKey();
  const result = await runCli(["auth", "login", "--with-token"], {
    home: home.path,
    env: siteEnv(server),
    stdin: `${apiKey}\n`,
  });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, "");
  assert.equal(
    result.stderr,
    // writeKeyring made ~/.anaconda as Python does (0755): the first secret tightens it (D17),
    // where folders have POSIX modes.
    (Deno.build.os === "windows"
      ? ""
      : `Tightened the permissions of ${home.path}/.anaconda to 0700 (it holds secrets)\n`) +
      `✓ API key for ${server.domain} stored in ${FILE_KEYRING_LABEL}\n`,
  );
  assert.deepEqual(await storedToken(home.path, server.domain), {
    domain: server.domain,
    api_key: apiKey,
    username: "jane",
    repo_tokens: [{ token: "repo-1", org_name: "acme" }],
    version: 2,
  });
  // Nothing went to the network.
  assert.equal(server.requests.length, 0);
  const whoami = await runCli(["whoami"], { home: home.path, env: siteEnv(server) });
  assert.equal(whoami.code, 0, whoami.stderr);
});

Deno.test("login --with-token refuses text that is not a JWT, and expired keys", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  const cases: [string, RegExp][] = [
    ["", /^AuthenticationError: No API key on standard input\n$/],
    [
      "secret-but-not-a-jwt\n",
      /^AuthenticationError: The text on standard input is not a valid API key \(a JWT with an exp claim\)\n$/,
    ],
    [
      await server.issueApiKey({ expiresIn: -3600 }),
      /^AuthenticationError: The API key on standard input expired on \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$/,
    ],
  ];
  for (const [stdin, message] of cases) {
    const result = await runCli(["login", "--with-token"], {
      home: home.path,
      env: siteEnv(server),
      stdin,
    });
    assert.equal(result.code, 1);
    assert.match(result.stderr, message);
    assert.doesNotMatch(result.stderr, /secret-but-not-a-jwt/);
  }
  assert.equal(await storedToken(home.path, server.domain), null);
});

Deno.test("top-level commands act on --at and need it without a terminal when several sites exist", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  await Deno.mkdir(`${home.path}/.anaconda`);
  await Deno.writeTextFile(
    `${home.path}/.anaconda/config.toml`,
    `default_site = "other"\n\n[sites.other]\ndomain = "other.example"\n\n` +
      `[sites.dev]\ndomain = "${server.domain}"\nssl_verify = ${JSON.stringify(server.caPath)}\n`,
  );
  const env = { BROWSER: NO_BROWSER };
  const noAt = await runCli(["whoami"], { home: home.path, env });
  assert.equal(noAt.code, 2);
  assert.equal(
    noAt.stderr,
    "UsageError: Several sites are configured (other, dev): " +
      "choose one with --at <site> (or --at anaconda.org)\n" +
      "Try 'anaconda whoami --help' for help.\n",
  );
  const apiKey = await server.issueApiKey();
  const stored = await runCli(["login", "--with-token", "--at", "dev"], {
    home: home.path,
    env,
    stdin: apiKey,
  });
  assert.equal(stored.code, 0, stored.stderr);
  const whoami = await runCli(["--at", "dev", "whoami"], { home: home.path, env });
  assert.equal(whoami.code, 0, whoami.stderr);
  assert.equal(JSON.parse(whoami.stdout).user.username, "jane");
  const logout = await runCli(["logout", "--at", "dev"], { home: home.path, env });
  assert.equal(logout.code, 0, logout.stderr);
  assert.equal(await storedToken(home.path, server.domain), null);
});
