/**
 * `anaconda token list` and `anaconda token uninstall` end to end (docs/behaviour.md, "token
 * commands"): the repo tokens of the keyring record and conda's token files, listed without any
 * request; uninstall by organization or all.
 */
import assert from "node:assert/strict";
import { startDevServer } from "../scripts/stand_in/server.ts";
import { storedToken } from "./dev_site.ts";
import { runCli, tempHome } from "./support.ts";
import { logIn, readOrNull, tokenEnv, tokenFile } from "./token_commands_support.ts";
import { condaTokenDir, joinPath } from "./paths.ts";

const DEFAULT_REPO = "https://repo.anaconda.cloud/repo/";

/** conda's token file of `url` in `home`, as conda or anaconda-client writes it. */
async function writeTokenFile(home: string, url: string, token: string): Promise<string> {
  const path = tokenFile(home, url);
  await Deno.mkdir(condaTokenDir(home), { recursive: true });
  await Deno.writeTextFile(path, token);
  return path;
}

Deno.test("list with no tokens says so and exits 1; --json prints []", async () => {
  await using home = await tempHome();
  const text = await runCli(["token", "list"], { home: home.path });
  assert.equal(text.code, 1);
  assert.equal(text.stdout, "");
  assert.equal(text.stderr, "No repo tokens are installed. Run anaconda token install.\n");
  const json = await runCli(["token", "list", "--json"], { home: home.path });
  assert.equal(json.code, 1);
  assert.equal(json.stdout, "[]\n");
});

Deno.test("list shows keyring repo tokens and conda token files, and sends no request", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  await logIn(home.path, server, [
    { token: "tok-acme", org_name: "acme" },
    { token: "tok-beta", org_name: "beta" },
  ]);
  // The default REPO_URL's file, named as conda names it.
  const path = await writeTokenFile(home.path, DEFAULT_REPO, "tok-file");
  assert.equal(
    path,
    joinPath(condaTokenDir(home.path), "https%3A%2F%2Frepo.anaconda.cloud%2Frepo%2F.token"),
  );

  const env = tokenEnv(server, { CONDA_TOKEN_REPO_URL: "" });
  const text = await runCli(["token", "list"], { home: home.path, env });
  assert.equal(text.code, 0, text.stderr);
  assert.equal(text.stderr, "");
  assert.equal(
    text.stdout,
    [
      "Organization  Channel URL                              Token",
      "------------  ---------------------------------------  --------",
      "acme          https://repo.anaconda.cloud/repo/acme/*  tok-acme",
      "beta          https://repo.anaconda.cloud/repo/beta/*  tok-beta",
      "              https://repo.anaconda.cloud/repo/        tok-file",
      "",
    ].join("\n"),
  );
  const json = await runCli(["token", "list", "--json"], { home: home.path, env });
  assert.equal(json.code, 0, json.stderr);
  assert.deepEqual(JSON.parse(json.stdout), [
    {
      organization: "acme",
      channel_url: `${DEFAULT_REPO}acme/*`,
      token: "tok-acme",
      source: "keyring",
    },
    {
      organization: "beta",
      channel_url: `${DEFAULT_REPO}beta/*`,
      token: "tok-beta",
      source: "keyring",
    },
    {
      organization: null,
      channel_url: DEFAULT_REPO,
      token: "tok-file",
      source: "conda token file",
    },
  ]);
  assert.deepEqual(server.requests, []);
});

Deno.test("uninstall deletes one organization's token, and conda's token file when it held it", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  const apiKey = await logIn(home.path, server, [
    { token: "tok-acme", org_name: "acme" },
    { token: "tok-beta", org_name: "beta" },
  ]);
  const file = await writeTokenFile(home.path, server.repo.url, "tok-acme");
  const env = tokenEnv(server);

  const beta = await runCli(["token", "uninstall", "--org", "beta"], { home: home.path, env });
  assert.equal(beta.code, 0, beta.stderr);
  assert.equal(beta.stderr, "✓ Successfully deleted token for organization: beta\n");
  assert.equal(await readOrNull(file), "tok-acme");

  const acme = await runCli(["token", "uninstall", "-o", "acme"], { home: home.path, env });
  assert.equal(acme.code, 0, acme.stderr);
  assert.equal(
    acme.stderr,
    "✓ Successfully deleted token for organization: acme " +
      `(and conda's token file for ${server.repo.url})\n`,
  );
  assert.equal(await readOrNull(file), null);
  const record = await storedToken(home.path, server.domain);
  assert.equal(record?.api_key, apiKey);
  assert.deepEqual(record?.repo_tokens, []);

  const again = await runCli(["token", "uninstall", "-o", "acme"], { home: home.path, env });
  assert.equal(again.code, 0, again.stderr);
  assert.equal(
    again.stderr,
    "No repo token is installed for the organization acme; nothing to delete\n",
  );
  assert.deepEqual(server.requests, []);
});

Deno.test("uninstall --all deletes every repo token and keeps the login", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  const apiKey = await logIn(home.path, server, [
    { token: "tok-acme", org_name: "acme" },
    { token: "tok-beta", org_name: "beta" },
  ]);
  const env = tokenEnv(server);
  const all = await runCli(["token", "uninstall", "--all"], { home: home.path, env });
  assert.equal(all.code, 0, all.stderr);
  assert.equal(all.stderr, "✓ Successfully deleted all repo tokens.\n");
  const record = await storedToken(home.path, server.domain);
  assert.equal(record?.api_key, apiKey);
  assert.deepEqual(record?.repo_tokens, []);
  const list = await runCli(["token", "list"], { home: home.path, env });
  assert.equal(list.code, 1);

  const none = await runCli(["token", "uninstall", "-a"], { home: home.path, env });
  assert.equal(none.code, 0, none.stderr);
  assert.equal(none.stderr, "No repo tokens are installed; nothing to delete\n");
});

Deno.test("uninstall without --org or --all, and not on a terminal, asks for --org", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  await logIn(home.path, server, [{ token: "tok-acme", org_name: "acme" }]);
  const env = tokenEnv(server);
  const result = await runCli(["token", "uninstall"], { home: home.path, env });
  // The Python tool's message, as a usage error (exit 2) with the next step.
  assert.equal(result.code, 2);
  assert.equal(
    result.stderr,
    "UsageError: Must explicitly provide an --org option (or --all)\n" +
      "Try 'anaconda token uninstall --help' for help.\n",
  );
  const both = await runCli(["token", "uninstall", "-a", "-o", "acme"], { home: home.path, env });
  assert.equal(both.code, 2);
  assert.match(both.stderr, /^UsageError: --org and --all cannot be used together\n/);
  assert.equal((await storedToken(home.path, server.domain))?.repo_tokens.length, 1);
});

Deno.test("with ANACONDA_AUTH_API_KEY set, repo tokens still go to and come from the keyring", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  const apiKey = await server.issueApiKey();
  const env = tokenEnv(server, { ANACONDA_AUTH_API_KEY: apiKey });
  const install = await runCli(["token", "install", "--yes", "--no-set-default-channels"], {
    home: home.path,
    env,
  });
  assert.equal(install.code, 0, install.stderr);
  const record = await storedToken(home.path, server.domain);
  // The key from the environment is not copied into the keyring.
  assert.equal(record?.api_key, null);
  const token = server.repo.tokens[0]!.token;
  assert.deepEqual(record?.repo_tokens, [{ token, org_name: "acme" }]);
  const list = await runCli(["token", "list", "--json"], { home: home.path, env });
  assert.equal(list.code, 0, list.stderr);
  assert.deepEqual(
    JSON.parse(list.stdout).map((row: { token: string; source: string }) => row.source),
    ["keyring", "conda token file"],
  );
});
