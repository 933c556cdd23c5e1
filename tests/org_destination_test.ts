/**
 * Where the top-level `anaconda login|logout|whoami` go (docs/behaviour.md, "Commands"): `--at
 * anaconda.org`, a configured site, the picker on a terminal (sites and anaconda.org), and the
 * errors for an unknown `--at` or a script that must choose.
 */
import assert from "node:assert/strict";
import { orgSetup, storeApiKey } from "./org_support.ts";
import { type DevServer, startDevServer } from "../scripts/stand_in/server.ts";
import { NO_TERMINAL, runCli, runCliInTerminal, tempHome } from "./support.ts";
import { joinPath } from "./paths.ts";

/** A config.toml with one site, `dev`, on the stand-in (so it is the default). */
async function writeDevSite(home: string, server: DevServer): Promise<void> {
  await Deno.mkdir(`${home}/.anaconda`, { recursive: true });
  await Deno.writeTextFile(
    `${home}/.anaconda/config.toml`,
    `[sites.dev]\ndomain = "${server.domain}"\nssl_verify = ${JSON.stringify(server.caPath)}\n`,
  );
}

Deno.test({
  name: "on a terminal the picker lists the sites and anaconda.org, and runs the one picked",
  ignore: NO_TERMINAL,
}, async () => {
  await using setup = await orgSetup();
  const { home, server } = setup;
  await writeDevSite(home, server);
  await storeApiKey(home, server);
  const env = { BINSTAR_API_TOKEN: server.orgApi.issue("org-user") };
  const menu = "choose destination:\n" +
    `  1. dev (${server.domain}) [default]\n` +
    "  2. anaconda.org\n" +
    "Enter a number [1]: ";

  const org = await runCliInTerminal(["whoami"], { home, env, stdin: "2\n" });
  assert.equal(org.code, 0, org.stderr);
  assert.equal(org.stderr, `${menu}Your info (${server.orgApi.url}):\n`);
  assert.equal(JSON.parse(org.stdout.slice(org.stdout.indexOf("{"))).login, "org-user");

  const site = await runCliInTerminal(["whoami"], { home, env, stdin: "1\n" });
  assert.equal(site.code, 0, site.stderr);
  assert.equal(site.stderr, `${menu}Your info (${server.domain}):\n`);
  assert.equal(JSON.parse(site.stdout.slice(site.stdout.indexOf("{"))).user.username, "jane");
});

Deno.test("an unknown --at lists the allowed destinations and exits 1", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  await writeDevSite(home.path, server);
  for (const command of ["login", "logout", "whoami"]) {
    const result = await runCli([command, "--at", "nowhere"], { home: home.path });
    assert.equal(result.code, 1, command);
    assert.equal(
      result.stderr,
      "UnknownSiteName: nowhere is not an allowed value for --at. The site or domain nowhere " +
        `has not been configured in ${joinPath(home.path, ".anaconda", "config.toml")}\n` +
        `Use one of: dev (${server.domain}) [default], anaconda.org\n`,
    );
  }
  assert.equal(server.requests.length, 0);
});

Deno.test("--at accepts a site's name or domain, anaconda.com and anaconda.org", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  await writeDevSite(home.path, server);
  for (const at of ["dev", server.domain, "anaconda.com", "anaconda.org"]) {
    const result = await runCli(["logout", "--at", at], { home: home.path });
    assert.doesNotMatch(result.stderr, /not an allowed value/, at);
  }
});

Deno.test("without a terminal, anaconda.org is not guessed: the one site is used", async () => {
  await using home = await tempHome();
  // As in a script: no terminal, no --at, no site in the environment.
  const logout = await runCli(["logout"], { home: home.path });
  assert.deepEqual([logout.code, logout.stderr], [0, "No stored token for anaconda.com\n"]);
});

Deno.test("the legacy anaconda.org options are hidden, and refused with a site's --at", async () => {
  await using home = await tempHome();
  const help = await runCli(["login", "--help"], { home: home.path });
  assert.equal(help.code, 0);
  assert.doesNotMatch(help.stdout, /--hostname|--username|--password/);
  assert.match(help.stdout, /anaconda login --at anaconda\.org/);
  const mixed = await runCli(["login", "--at", "anaconda.com", "--username", "jane"], {
    home: home.path,
  });
  assert.equal(mixed.code, 2);
  assert.match(
    mixed.stderr,
    /^UsageError: --username is for anaconda\.org: use --at anaconda\.org\n/,
  );
  const withToken = await runCli(["login", "--at", "anaconda.org", "--with-token"], {
    home: home.path,
  });
  assert.equal(withToken.code, 2);
  assert.match(withToken.stderr, /--with-token stores an Anaconda API key; it does not apply/);
});
