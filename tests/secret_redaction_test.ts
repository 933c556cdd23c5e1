/**
 * Secrets never appear in error messages or `--verbose` logs: API keys and tokens with
 * control characters are refused where they are read (naming the variable or file, not
 * the value), and proxy credentials and header values in a bad setting are not echoed.
 */
import assert from "node:assert/strict";
import { startDevServer } from "../scripts/stand_in/server.ts";
import { siteEnv, writeKeyring } from "./dev_site.ts";
import { orgSetup } from "./org_support.ts";
import { type CliResult, runCli, tempHome } from "./support.ts";
import { FILE_KEYRING_LABEL } from "./paths.ts";

const SECRET = "S3cretValue9876";

function assertNoSecret(result: CliResult, secret = SECRET): void {
  assert.ok(!result.stderr.includes(secret), result.stderr);
  assert.ok(!result.stdout.includes(secret), result.stdout);
}

/** `auth whoami` against a port nothing listens on, with `env`. */
function whoami(home: string, env: Record<string, string>): Promise<CliResult> {
  return runCli(["auth", "whoami"], {
    home,
    env: { ANACONDA_AUTH_DOMAIN: "127.0.0.1:9", ...env },
  });
}

Deno.test("an API key with a line break is refused where it is read, naming the variable only", async () => {
  await using home = await tempHome();
  for (const key of [`${SECRET}\r\nX-Injected: 1`, `${SECRET}\u001b[2J`, `a ${SECRET}`]) {
    for (const args of [["auth", "whoami"], ["auth", "api-key"]]) {
      const result = await runCli(args, {
        home: home.path,
        env: { ANACONDA_AUTH_DOMAIN: "127.0.0.1:9", ANACONDA_AUTH_API_KEY: key },
      });
      assert.equal(result.code, 1);
      assert.equal(
        result.stderr,
        "ConfigError: Error in environment variable ANACONDA_AUTH_API_KEY=<redacted>: the key " +
          "holds spaces or control characters, which no key has\n",
      );
      assertNoSecret(result);
    }
  }
  // A final newline (a key pasted from a file) is fine: HTTP drops it too.
  await using server = await startDevServer();
  const valid = await server.issueApiKey();
  const ok = await runCli(["auth", "whoami"], {
    home: home.path,
    env: siteEnv(server, { ANACONDA_AUTH_API_KEY: `${valid}\n` }),
  });
  assert.equal(ok.code, 0, ok.stderr);
});

Deno.test("a stored API key with control characters: a warning naming the keyring, never the key", async () => {
  await using home = await tempHome();
  await writeKeyring(home.path, {
    domain: "127.0.0.1:9",
    api_key: `${SECRET}\r\nX-Injected: 1`,
    username: null,
    repo_tokens: [],
    version: 2,
  });
  const result = await whoami(home.path, {});
  assert.equal(result.code, 1);
  assert.equal(
    result.stderr.split("\n")[0],
    "Warning: The stored API key for 127.0.0.1:9 holds spaces or control characters, which no " +
      `key has (${FILE_KEYRING_LABEL}); log in again to replace it`,
  );
  assertNoSecret(result);
});

Deno.test("proxy passwords and header values in a bad setting are not echoed", async () => {
  await using home = await tempHome();
  const cases: [Record<string, string>, string][] = [
    [
      { ANACONDA_AUTH_PROXY_SERVERS: `{"https": "http://jane:${SECRET}@proxy:3128"` },
      "ConfigError: Error in environment variable ANACONDA_AUTH_PROXY_SERVERS=<redacted>: " +
      "Input is not valid JSON",
    ],
    [
      { ANACONDA_AUTH_PROXY_SERVERS: `{"https": 3128, "http": "http://jane:${SECRET}@p:1"}` },
      "ConfigError: Error in environment variable ANACONDA_AUTH_PROXY_SERVERS=<redacted>: " +
      "Input should be a string for key https",
    ],
    [
      { ANACONDA_AUTH_EXTRA_HEADERS: `{"X-Tenant-Key": "${SECRET}", "X-Count": 2}` },
      "ConfigError: Error in environment variable ANACONDA_AUTH_EXTRA_HEADERS=<redacted>: " +
      "Input should be a string for key X-Count",
    ],
    [
      { ANACONDA_AUTH_EXTRA_HEADERS: JSON.stringify({ "X-Tenant": `${SECRET}\r\nX-Evil: 1` }) },
      "ConfigError: The header X-Tenant (extra_headers) cannot be sent: it holds characters " +
      "that HTTP does not allow in a header (control characters, line breaks); its value is " +
      "not shown",
    ],
  ];
  for (const [env, expected] of cases) {
    const result = await whoami(home.path, { ANACONDA_AUTH_API_KEY: "k-1234", ...env });
    assert.equal(result.code, 1);
    assert.equal(result.stderr, `${expected}\n`);
    assertNoSecret(result);
  }
});

Deno.test("sites add: JSON options that may hold credentials are not echoed when they do not parse", async () => {
  await using home = await tempHome();
  for (const option of ["--extra-headers", "--proxy-servers"]) {
    const result = await runCli(
      ["sites", "add", "--domain", "x.example", "--yes", option, `{"a": "${SECRET}"`],
      { home: home.path },
    );
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /=<redacted> could not be parsed as JSON\n/);
    assertNoSecret(result);
  }
});

Deno.test("--verbose shows the values of extra_headers only by their last 4 characters", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  const result = await runCli(["auth", "whoami", "--verbose"], {
    home: home.path,
    env: siteEnv(server, {
      ANACONDA_AUTH_API_KEY: await server.issueApiKey(),
      ANACONDA_AUTH_EXTRA_HEADERS: JSON.stringify({ "X-Tenant": SECRET }),
    }),
  });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /^> x-tenant: \*+9876$/m);
  assertNoSecret(result);
});

Deno.test("an anaconda.org token with control characters is refused naming its variable", async () => {
  await using org = await orgSetup();
  const result = await org.run(["whoami"], {
    env: { BINSTAR_API_TOKEN: `${SECRET}\r\nX-Injected: 1` },
  });
  assert.equal(result.code, 1);
  assert.equal(
    result.stderr,
    "ConfigError: The token in BINSTAR_API_TOKEN holds spaces or control characters\n",
  );
  assertNoSecret(result);
  assert.equal(org.server.requests.length, 0);
});
