/**
 * When a request goes out with TLS certificate verification off, one warning per run
 * says so and names where `ssl_verify = false` came from: a `.env` (say, in a cloned
 * repository), an environment variable, a table of config.toml, or an option.
 */
import assert from "node:assert/strict";
import { startDevServer } from "../scripts/stand_in/server.ts";
import { siteEnv } from "./dev_site.ts";
import { runCli, tempHome } from "./support.ts";
import { logIn, tokenEnv } from "./token_commands_support.ts";
import { orgSetup } from "./org_support.ts";
import { escapeRegExp, joinPath } from "./paths.ts";

const WARNING_END = "servers are not checked, so keys and tokens sent to them could reach " +
  "an impostor\n";

/** The stand-in's site settings without its CA: verification must be turned off to reach it. */
function envWithoutCa(env: Record<string, string>): Record<string, string> {
  const { ANACONDA_AUTH_SSL_VERIFY: _ca, ...rest } = env;
  return rest;
}

Deno.test("a .env in the working folder that turns verification off is named in one warning", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  const project = `${home.path}/cloned-repo`;
  await Deno.mkdir(project);
  await Deno.writeTextFile(`${project}/.env`, "ANACONDA_AUTH_SSL_VERIFY=false\n");
  const result = await runCli(["auth", "whoami"], {
    home: home.path,
    cwd: project,
    env: envWithoutCa(siteEnv(server, { ANACONDA_AUTH_API_KEY: await server.issueApiKey() })),
  });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(
    result.stderr,
    "Warning: TLS certificate verification is off (ssl_verify = false, set by " +
      `${
        joinPath(home.path, "cloned-repo", ".env")
      } for ANACONDA_AUTH_SSL_VERIFY): ${WARNING_END}` +
      `Your info (${server.domain}):\n`,
  );
});

Deno.test("the warning names the environment variable, or the config file and table", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  const apiKey = await server.issueApiKey();
  const fromEnv = await runCli(["auth", "whoami"], {
    home: home.path,
    env: siteEnv(server, { ANACONDA_AUTH_API_KEY: apiKey, ANACONDA_AUTH_SSL_VERIFY: "off" }),
  });
  assert.equal(fromEnv.code, 0, fromEnv.stderr);
  assert.match(
    fromEnv.stderr,
    /^Warning: TLS certificate verification is off \(ssl_verify = false, set by environment variable ANACONDA_AUTH_SSL_VERIFY\): /,
  );

  await Deno.mkdir(`${home.path}/.anaconda`, { recursive: true });
  // As the CLI names it: joined with the platform's separator.
  const configPath = joinPath(home.path, ".anaconda", "config.toml");
  await Deno.writeTextFile(
    configPath,
    `[sites.work]\ndomain = "${server.domain}"\nssl_verify = false\n`,
  );
  const fromFile = await runCli(["auth", "whoami", "--at", "work"], {
    home: home.path,
    env: { ANACONDA_AUTH_API_KEY: apiKey },
  });
  assert.equal(fromFile.code, 0, fromFile.stderr);
  assert.equal(
    fromFile.stderr.split("\n")[0],
    "Warning: TLS certificate verification is off (ssl_verify = false, set by " +
      `${configPath} in [sites.work] for ssl_verify): ${WARNING_END.trimEnd()}`,
  );
});

Deno.test("one warning per run, however many requests and clients; none with verification on", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  await logIn(home.path, server);
  // token install: the site's client (3 requests), then the repository's (1 request).
  const insecure = await runCli(["token", "install", "--yes", "--no-set-default-channels"], {
    home: home.path,
    env: tokenEnv(server, { ANACONDA_AUTH_SSL_VERIFY: "false" }),
  });
  assert.equal(insecure.code, 0, insecure.stderr);
  assert.equal(insecure.stderr.match(/TLS certificate verification is off/g)?.length, 1);
  assert.equal(server.requests.length, 4);

  const verified = await runCli(["token", "install", "--yes", "--no-set-default-channels"], {
    home: home.path,
    env: tokenEnv(server),
  });
  assert.equal(verified.code, 0, verified.stderr);
  assert.ok(!verified.stderr.includes("verification"), verified.stderr);
});

Deno.test("token set --no-ssl-verify: the warning names the option", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  const token = server.repo.issue("acme").token;
  const result = await runCli(["token", "set", "--no-ssl-verify", "-"], {
    home: home.path,
    env: envWithoutCa(tokenEnv(server)),
    stdin: `${token}\n`,
  });
  assert.match(
    result.stderr,
    /^Warning: TLS certificate verification is off \(ssl_verify = false, set by option --no-ssl-verify\): /,
  );
});

Deno.test("anaconda.org: the warning names anaconda-client's config file", async () => {
  await using org = await orgSetup();
  const configFile = `${org.home}/.continuum/anaconda-client/config.yaml`;
  await Deno.writeTextFile(configFile, `url: ${org.url}\nssl_verify: false\n`);
  const configShown = joinPath(org.home, ".continuum/anaconda-client", "config.yaml");
  const result = await org.run(["whoami"], { env: { BINSTAR_API_TOKEN: "tk-0123" } });
  assert.match(
    result.stderr,
    new RegExp(
      `^Warning: TLS certificate verification is off \\(ssl_verify = false, set by ${
        escapeRegExp(configShown)
      }\\): `,
    ),
  );
});
