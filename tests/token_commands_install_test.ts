/**
 * `anaconda token install` end to end against the stand-in service (docs/behaviour.md, "Repo
 * tokens and conda"; D53, D54): organization choice, reissue confirmation, validation, and what
 * is written (keyring record, conda's token file, ~/.condarc).
 */
import assert from "node:assert/strict";
import { type DevServer, startDevServer } from "../scripts/stand_in/server.ts";
import { requestLines, storedToken } from "./dev_site.ts";
import { NO_TERMINAL, runCli, runCliInTerminal, tempHome } from "./support.ts";
import {
  afterArgvWarning,
  backupFiles,
  condaLog,
  FAKE_CONDA,
  fakeConda,
  logIn,
  readOrNull,
  tokenEnv,
  tokenFile,
} from "./token_commands_support.ts";
import { joinPath } from "./paths.ts";

const EXPIRES_AT = "2099-01-01T00:00:00";
const ORGS = [
  { id: "11111111-1111-4111-8111-111111111111", name: "acme", title: "Acme Inc." },
  { id: "22222222-2222-4222-8222-222222222222", name: "beta", title: "Beta Labs" },
];
const PROBE = "/repo/main/noarch/repodata.json";

/**
 * A ~/.condarc with comments, other settings and an old default_channels. Its CA is `$CORP_CA`
 * (the stand-in's CA, see `env`): conda, and so validation, use it (D58).
 */
const CONDARC_BEFORE = `# conda settings of the build machine
channels:   # searched in this order
- conda-forge
- defaults

default_channels:   # the old mirror
- https://mirror.example/main
ssl_verify: $CORP_CA   # corporate CA
`;

/** The environment of `token install` against `server`, with `$CORP_CA` set. */
function env(server: DevServer, extra: Record<string, string> = {}) {
  return tokenEnv(server, { CORP_CA: server.caPath!, ...extra });
}

Deno.test("install with one organization issues, validates and stores a token, and configures conda", async () => {
  await using home = await tempHome();
  await using server = await startDevServer({ repoTokenExpiresAt: EXPIRES_AT });
  const apiKey = await logIn(home.path, server);
  await Deno.writeTextFile(`${home.path}/.condarc`, CONDARC_BEFORE);

  const result = await runCli(["token", "install", "--yes"], {
    home: home.path,
    env: env(server),
  });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, "");
  const [issued] = server.repo.tokens;
  const token = issued!.token;
  assert.equal(
    result.stderr,
    "Only one organization found, automatically selecting: acme\n" +
      `Configuring your .condarc file (${joinPath(home.path, ".condarc")})\n` +
      "Your conda token has been installed and expires 2099-01-01 00:00:00. " +
      "To view your token(s), you can use anaconda token list\n" +
      "✓ Success! Your token has been installed and validated, and conda has been configured. " +
      `(backup of the previous version: ${
        joinPath(home.path, ".anaconda", "backups", (await backupFiles(home.path))[0]!)
      })\n`,
  );
  // --yes: no question, and no look at the current token either. The organizations and
  // the account are asked for at once, so they may arrive in either order.
  const lines = requestLines(server);
  assert.deepEqual([...lines.slice(0, 2)].sort(), [
    "GET /api/account",
    "GET /api/organizations/my",
  ]);
  assert.deepEqual(lines.slice(2), [
    "PUT /api/organizations/acme/ce/current-token",
    `HEAD /t/${token}${PROBE}`,
  ]);
  const put = server.requests[2]!;
  assert.equal(put.headers.authorization, `Bearer ${apiKey}`);
  assert.deepEqual(put.json, { confirm: "yes" });
  // The repository gets the token in the path, and neither the API key nor anything else.
  assert.equal(server.requests[3]!.headers.authorization, undefined);

  const record = await storedToken(home.path, server.domain);
  assert.equal(record?.api_key, apiKey);
  assert.deepEqual(record?.repo_tokens, [{ token, org_name: "acme" }]);
  const file = tokenFile(home.path, server.repo.url);
  assert.equal(await Deno.readTextFile(file), token);
  if (Deno.build.os !== "windows") assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);

  const repo = server.repo.url;
  assert.equal(
    await Deno.readTextFile(`${home.path}/.condarc`),
    `# conda settings of the build machine
channels:   # searched in this order
- conda-forge
- defaults

default_channels:
  - ${repo}main
  - ${repo}r
  - ${repo}msys2
ssl_verify: $CORP_CA   # corporate CA
add_anaconda_token: true
`,
  );
  const [backup, ...more] = await backupFiles(home.path);
  assert.deepEqual(more, []);
  assert.equal(await Deno.readTextFile(`${home.path}/.anaconda/backups/${backup}`), CONDARC_BEFORE);
});

Deno.test("install --org skips the organization lookup; a reissue is confirmed on stdin", async () => {
  await using home = await tempHome();
  await using server = await startDevServer({ organizations: ORGS });
  await logIn(home.path, server);
  const old = server.repo.issue("beta");

  const result = await runCli(["token", "install", "-o", "beta"], {
    home: home.path,
    env: env(server),
    stdin: "y\ny\n",
  });
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stderr,
    /^An existing token already exists for the organization beta\.\n/,
  );
  assert.match(
    result.stderr,
    /\nReissuing a new token will revoke and deactivate any existing token access\. This action can't be undone\.\nProceed\? \[y\/n\] \(n\): /,
  );
  assert.match(result.stderr, /\nPrepared to set default channels in \.condarc\.\nProceed\? /);
  const lines = requestLines(server);
  assert.ok(!lines.includes("GET /api/organizations/my"), lines.join("\n"));
  assert.ok(lines.includes("GET /api/organizations/beta/ce/current-token"));
  assert.equal(old.revoked, true);
  const fresh = server.repo.tokens.at(-1)!;
  assert.equal(fresh.org, "beta");
  const record = await storedToken(home.path, server.domain);
  assert.deepEqual(record?.repo_tokens, [{ token: fresh.token, org_name: "beta" }]);
});

Deno.test("declining the reissue changes nothing", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  await logIn(home.path, server);
  server.repo.issue("acme");

  const no = await runCli(["token", "install"], {
    home: home.path,
    env: env(server),
    stdin: "n\n",
  });
  assert.equal(no.code, 1);
  assert.ok(no.stderr.endsWith("Proceed? [y/n] (n): Aborted.\n"), no.stderr);

  // No terminal and no answer: the question names the flag that answers it.
  const silent = await runCli(["token", "install"], { home: home.path, env: env(server) });
  assert.equal(silent.code, 1);
  assert.ok(
    silent.stderr.endsWith("No answer on standard input: pass --yes to go ahead\n"),
    silent.stderr,
  );

  assert.equal(server.repo.tokens.length, 1);
  assert.ok(!requestLines(server).some((line) => line.startsWith("PUT ")));
  assert.deepEqual((await storedToken(home.path, server.domain))?.repo_tokens, []);
  assert.equal(await readOrNull(`${home.path}/.condarc`), null);
  assert.equal(await readOrNull(tokenFile(home.path, server.repo.url)), null);
});

Deno.test({
  name: "several organizations: a picker on a terminal, an error naming --org without one",
  ignore: NO_TERMINAL,
}, async () => {
  await using home = await tempHome();
  await using server = await startDevServer({ organizations: ORGS });
  await logIn(home.path, server);

  const piped = await runCli(["token", "install", "--yes"], {
    home: home.path,
    env: env(server),
  });
  assert.equal(piped.code, 2);
  assert.equal(
    piped.stderr,
    "UsageError: Several organizations found (acme, beta): pass --org <org>\n" +
      "Try 'anaconda token install --help' for help.\n",
  );
  assert.equal(server.repo.tokens.length, 0);

  const terminal = await runCliInTerminal(["token", "install", "--yes"], {
    home: home.path,
    env: env(server),
    stdin: "2\n",
  });
  assert.equal(terminal.code, 0, terminal.stderr);
  assert.match(
    terminal.stderr,
    /^Please select an organization:\n {2}1\. Acme Inc\. \(acme\)\n {2}2\. Beta Labs \(beta\)\nEnter a number \[1\]: /,
  );
  assert.deepEqual(server.repo.tokens.map((entry) => entry.org), ["beta"]);
});

Deno.test("only starter subscriptions: No organizations found.", async () => {
  await using home = await tempHome();
  await using server = await startDevServer({
    organizations: ORGS,
    subscriptions: [
      { org_id: ORGS[0]!.id, product_code: "starter_subscription" },
      { org_id: ORGS[1]!.id, product_code: "security_starter" },
    ],
  });
  await logIn(home.path, server);
  const result = await runCli(["token", "install", "--yes"], {
    home: home.path,
    env: env(server),
  });
  assert.equal(result.code, 1);
  assert.equal(result.stderr, "No organizations found.\n");
});

Deno.test("a token the repository rejects is reported with the status, and nothing is stored (D54)", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  await logIn(home.path, server);
  await Deno.writeTextFile(`${home.path}/.condarc`, CONDARC_BEFORE);
  const secret = "not-a-live-token-4321";

  const result = await runCli(["token", "install", secret, "--org", "acme", "--yes"], {
    home: home.path,
    env: env(server),
  });
  assert.equal(result.code, 1);
  assert.equal(
    afterArgvWarning(result.stderr),
    `Configuring your .condarc file (${joinPath(home.path, ".condarc")})\n` +
      `TokenValidationError: The token could not be validated: HEAD ${server.url}/t/REDACTED${PROBE} ` +
      "answered 403 Forbidden. Please check that you have typed it correctly\n",
  );
  assert.ok(!result.stderr.includes(secret));
  assert.deepEqual(requestLines(server), [`HEAD /t/${secret}${PROBE}`]);
  assert.deepEqual((await storedToken(home.path, server.domain))?.repo_tokens, []);
  assert.equal(await Deno.readTextFile(`${home.path}/.condarc`), CONDARC_BEFORE);
  assert.equal(await readOrNull(tokenFile(home.path, server.repo.url)), null);
  assert.deepEqual(await backupFiles(home.path), []);
});

Deno.test("a malformed ~/.condarc stops install before any token is issued", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  await logIn(home.path, server);
  const broken = "channels: [conda-forge\nssl_verify: true\n";
  await Deno.writeTextFile(`${home.path}/.condarc`, broken);

  const result = await runCli(["token", "install", "--yes"], {
    home: home.path,
    env: env(server),
  });
  assert.equal(result.code, 1);
  assert.equal(
    result.stderr,
    `CondarcError: ${
      joinPath(home.path, ".condarc")
    }:2:1: Flow sequence in block collection must be ` +
      "sufficiently indented and end with a ]\n",
  );
  assert.deepEqual(requestLines(server), []);
  assert.equal(await Deno.readTextFile(`${home.path}/.condarc`), broken);
});

Deno.test({
  name:
    "--no-set-default-channels leaves default_channels alone; conda clean runs when conda is there",
  ignore: !FAKE_CONDA,
}, async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  await logIn(home.path, server);
  const conda = await fakeConda(home.path);
  await Deno.writeTextFile(`${home.path}/.condarc`, CONDARC_BEFORE);

  const result = await runCli(["token", "install", "--no-set-default-channels", "--yes"], {
    home: home.path,
    env: env(server, conda),
  });
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stderr,
    /\n✓ Success! Your token has been installed and validated\. \(backup of the previous version: \S+\)\n$/,
  );
  assert.doesNotMatch(result.stderr, /Configuring/);
  assert.equal(
    await Deno.readTextFile(`${home.path}/.condarc`),
    `${CONDARC_BEFORE}add_anaconda_token: true\n`,
  );
  assert.deepEqual(await condaLog(home.path), ["clean -i -y -q"]);
});

Deno.test(
  { name: "declining default channels still installs the token", ignore: !FAKE_CONDA },
  async () => {
    await using home = await tempHome();
    await using server = await startDevServer();
    await logIn(home.path, server);
    const conda = await fakeConda(home.path, { exitCode: 3 });
    await Deno.writeTextFile(`${home.path}/.condarc`, CONDARC_BEFORE);

    const result = await runCli(["token", "install"], {
      home: home.path,
      env: env(server, conda),
      stdin: "n\n",
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stderr,
      /\nExisting default channels found:\n- https:\/\/mirror\.example\/main\nThis action will override the existing default_channels setting\.\nProceed\? \[y\/n\] \(n\): /,
    );
    // A failing conda clean is a warning, not a failure.
    assert.match(
      result.stderr,
      /\nWarning: conda clean -i failed \(exit 3\): CondaError: cache is locked\n/,
    );
    assert.match(
      result.stderr,
      /\n✓ Success! Your token has been installed and validated\. \(backup of the previous version: \S+\)\n$/,
    );
    assert.equal(
      await Deno.readTextFile(`${home.path}/.condarc`),
      `${CONDARC_BEFORE}add_anaconda_token: true\n`,
    );
    assert.equal((await storedToken(home.path, server.domain))?.repo_tokens.length, 1);
  },
);

Deno.test("install without a login is the login-required error, and nothing is sent", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  const result = await runCli(["token", "install", "--yes"], {
    home: home.path,
    env: env(server),
  });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^TokenNotFoundError: Login is required to complete this action\.\n/);
  assert.deepEqual(requestLines(server), []);
});
