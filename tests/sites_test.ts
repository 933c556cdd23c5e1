/**
 * End-to-end tests of `anaconda sites list|show|add|modify|remove`: main.ts runs as a
 * subprocess in a temporary HOME; the tests check stdout, stderr, exit codes and the
 * written files byte for byte.
 * @module
 */
import assert from "node:assert/strict";
import { type CliResult, runCli, tempHome } from "./support.ts";
import { escapeRegExp, joinPath } from "./paths.ts";

/** The config file of `home`, as the CLI names it (the platform's separator). */
function configPath(home: string): string {
  return joinPath(home, ".anaconda", "config.toml");
}

async function writeConfig(home: string, text: string): Promise<string> {
  const path = configPath(home);
  await Deno.mkdir(`${home}/.anaconda`, { recursive: true });
  await Deno.writeTextFile(path, text);
  return path;
}

async function listDir(path: string): Promise<string[]> {
  try {
    const names: string[] = [];
    for await (const entry of Deno.readDir(path)) names.push(entry.name);
    return names.sort();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
}

async function backups(home: string): Promise<string[]> {
  return (await listDir(`${home}/.anaconda`)).filter((name) => name.startsWith("config.backup."));
}

function assertOk(result: CliResult): void {
  assert.equal(
    result.code,
    0,
    `exit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`,
  );
}

function mode(path: string): number {
  return Deno.statSync(path).mode! & 0o777;
}

const unix = Deno.build.os !== "windows";

Deno.test("sites add on an empty config writes exactly the Python tool's file", async () => {
  await using home = await tempHome();
  const result = await runCli(
    ["sites", "add", "--name", "short-name", "--domain", "foo.local", "--yes"],
    { home: home.path },
  );
  assertOk(result);
  assert.equal(result.stdout, "");
  const path = configPath(home.path);
  assert.equal(
    await Deno.readTextFile(path),
    'default_site = "short-name"\n\n[sites.short-name]\ndomain = "foo.local"\n',
  );
  // The lock file stays: deleting it would let two writers lock two different files.
  assert.deepEqual(await listDir(`${home.path}/.anaconda`), ["config.toml", "config.toml.lock"]);
  if (unix) {
    assert.equal(mode(path), 0o600);
    assert.equal(mode(`${home.path}/.anaconda`), 0o700);
  }
});

const ORIGINAL = `# Settings for the anaconda CLI
default_site = "work"  # my default

# the work site
[sites.work]
domain = "work.example.com" # on-prem
ssl_verify = false

[sites.work.extra_headers]
X-Team = "data" # team header

[telemetry]
# keep telemetry off
enabled = false

[plugin.auth]
client_id = "custom"
`;

Deno.test("comments, key order and [telemetry] survive add, modify and remove", async () => {
  await using home = await tempHome();
  const path = await writeConfig(home.path, ORIGINAL);

  assertOk(
    await runCli(["sites", "add", "--domain", "anaconda.com", "--name", "cloud", "--yes"], {
      home: home.path,
    }),
  );
  const added = ORIGINAL.replace(
    'X-Team = "data" # team header\n',
    'X-Team = "data" # team header\n\n[sites.cloud]\n',
  );
  assert.equal(await Deno.readTextFile(path), added);

  assertOk(
    await runCli(
      [
        "sites",
        "modify",
        "--name",
        "work",
        "--ssl-verify",
        "--no-use-device-flow",
        "--extra-headers",
        '{"X-Team": "data", "X-Env": "prod"}',
        "--default",
        "--yes",
      ],
      { home: home.path },
    ),
  );
  const modified = added
    .replace("ssl_verify = false\n", "ssl_verify = true\nuse_device_flow = false\n")
    .replace('X-Team = "data" # team header\n', 'X-Team = "data" # team header\nX-Env = "prod"\n');
  assert.equal(await Deno.readTextFile(path), modified);

  assertOk(await runCli(["sites", "remove", "work.example.com", "--yes"], { home: home.path }));
  assert.equal(
    await Deno.readTextFile(path),
    `# Settings for the anaconda CLI
default_site = "cloud"  # my default

# the work site
[sites.cloud]

[telemetry]
# keep telemetry off
enabled = false

[plugin.auth]
client_id = "custom"
`,
  );
  assert.equal((await backups(home.path)).length, 3);
});

Deno.test("site names that need quotes are written quoted", async () => {
  await using home = await tempHome();
  const result = await runCli(
    [
      "sites",
      "add",
      "--domain",
      "https://repo.example.com:8443/api",
      "--no-remove-anaconda-com",
      "--yes",
    ],
    { home: home.path },
  );
  assertOk(result);
  assert.equal(
    await Deno.readTextFile(configPath(home.path)),
    'default_site = "anaconda.com"\n\n[sites."anaconda.com"]\n\n' +
      '[sites."repo.example.com:8443"]\ndomain = "repo.example.com:8443"\n',
  );
});

Deno.test("--dry-run prints a unified diff and writes nothing at all", async () => {
  await using home = await tempHome();
  const path = await writeConfig(home.path, ORIGINAL);
  const before = await Deno.stat(path);
  const result = await runCli(
    ["sites", "add", "--domain", "new.example.com", "--dry-run"],
    { home: home.path },
  );
  assertOk(result);
  const lines = result.stdout.split("\n");
  // ISO 8601 dates, local time with its offset.
  const date = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d[+-]\\d\\d:\\d\\d";
  assert.match(lines[0] ?? "", new RegExp(`^--- ${escapeRegExp(path)}\\t${date}$`));
  assert.match(lines[1] ?? "", new RegExp(`^\\+\\+\\+ ${escapeRegExp(path)}\\t${date}$`));
  assert.equal(lines[2], "@@ -9,6 +9,9 @@");
  assert.ok(result.stdout.includes('\n+[sites."new.example.com"]\n+domain = "new.example.com"\n'));
  assert.equal(await Deno.readTextFile(path), ORIGINAL);
  assert.deepEqual((await Deno.stat(path)).mtime, before.mtime);
  assert.deepEqual(await listDir(`${home.path}/.anaconda`), ["config.toml"]);
});

Deno.test("--dry-run on a missing config creates no folder", async () => {
  await using home = await tempHome();
  const result = await runCli(
    ["sites", "add", "--domain", "foo.local", "--dry-run"],
    { home: home.path },
  );
  assertOk(result);
  assert.ok(result.stdout.startsWith(`--- ${configPath(home.path)}\n+++ `));
  assert.ok(result.stdout.includes("@@ -0,0 +1,4 @@\n+default_site"));
  assert.ok(!(await listDir(home.path)).includes(".anaconda"));
});

Deno.test("without --yes the diff is shown and y on stdin writes", async () => {
  await using home = await tempHome();
  const path = await writeConfig(home.path, ORIGINAL);
  const result = await runCli(
    ["sites", "modify", "--name", "work", "--use-truststore"],
    { home: home.path, stdin: "y\n" },
  );
  assertOk(result);
  assert.ok(result.stdout.includes('-ssl_verify = false\n+ssl_verify = "truststore"\n'));
  assert.ok(result.stderr.includes("Confirm: [y/n]: "));
  assert.equal(
    await Deno.readTextFile(path),
    ORIGINAL.replace("ssl_verify = false", 'ssl_verify = "truststore"'),
  );
  assert.equal((await backups(home.path)).length, 1);
});

Deno.test("answering n writes nothing and exits 0", async () => {
  await using home = await tempHome();
  const path = await writeConfig(home.path, ORIGINAL);
  const result = await runCli(["sites", "add", "--domain", "x.example.com"], {
    home: home.path,
    stdin: "n\n",
  });
  assertOk(result);
  assert.ok(result.stdout.includes('+[sites."x.example.com"]\n'));
  assert.equal(await Deno.readTextFile(path), ORIGINAL);
  assert.deepEqual(await backups(home.path), []);
});

Deno.test("end of input writes nothing and exits 1 naming --yes", async () => {
  await using home = await tempHome();
  const path = await writeConfig(home.path, ORIGINAL);
  const result = await runCli(["sites", "add", "--domain", "x.example.com"], { home: home.path });
  assert.equal(result.code, 1);
  assert.ok(result.stderr.includes("--yes"), result.stderr);
  assert.equal(await Deno.readTextFile(path), ORIGINAL);
  assert.deepEqual(await backups(home.path), []);
});

Deno.test("writes keep the 5 newest backups, each with the file as it was", async () => {
  await using home = await tempHome();
  await writeConfig(home.path, ORIGINAL);
  for (const flow of ["true", "false", "true", "false", "true", "false", "true"]) {
    assertOk(
      await runCli(
        [
          "sites",
          "modify",
          "--name",
          "work",
          `--${flow === "true" ? "" : "no-"}use-device-flow`,
          "-y",
        ],
        { home: home.path },
      ),
    );
  }
  const kept = await backups(home.path);
  assert.equal(kept.length, 5);
  for (const name of kept) {
    assert.match(name, /^config\.backup\.\d{8}_\d{6}_\d{6}\.toml$/);
    if (unix) assert.equal(mode(`${home.path}/.anaconda/${name}`), 0o600);
  }
  // The newest backup holds the file before the last write (use_device_flow = false).
  const newest = kept.at(-1) as string;
  assert.ok((await Deno.readTextFile(`${home.path}/.anaconda/${newest}`)).includes(
    "use_device_flow = false",
  ));
  assert.ok((await Deno.readTextFile(configPath(home.path))).includes("use_device_flow = true"));
});

Deno.test("ANACONDA_CONFIG_TOML chooses the file that is written", async () => {
  await using home = await tempHome();
  const path = `${home.path}/elsewhere/my.toml`;
  const result = await runCli(["sites", "add", "--domain", "foo.local", "-y"], {
    home: home.path,
    env: { ANACONDA_CONFIG_TOML: path },
  });
  assertOk(result);
  assert.equal(
    await Deno.readTextFile(path),
    'default_site = "foo.local"\n\n[sites."foo.local"]\ndomain = "foo.local"\n',
  );
  assert.ok(!(await listDir(home.path)).includes(".anaconda"));
});

Deno.test("a TOML syntax error is one line TomlSyntaxError: path:line:col: message, exit 1", async () => {
  await using home = await tempHome();
  const path = await writeConfig(home.path, 'default_site = "a"\n[sites.a\ndomain = "x"\n');
  for (
    const args of [["sites", "list"], ["sites", "show"], ["sites", "add", "--domain", "b", "-y"]]
  ) {
    const result = await runCli(args, { home: home.path });
    assert.equal(result.code, 1, args.join(" "));
    assert.equal(result.stdout, "");
    const lines = result.stderr.trimEnd().split("\n");
    assert.equal(lines.length, 1, result.stderr);
    const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    assert.match(
      result.stderr,
      new RegExp(`^TomlSyntaxError: ${escaped}:2:\\d+: \\S[^\\n]*\\n$`),
    );
    assert.ok(!result.stderr.includes("    at "), "no stack trace");
  }
  assert.equal(await Deno.readTextFile(path), 'default_site = "a"\n[sites.a\ndomain = "x"\n');
});

Deno.test("usage errors exit 2 with the Python tool's messages", async () => {
  await using home = await tempHome();
  const cases: Array<[string[], string]> = [
    [["sites", "add", "--name", "x"], "You must supply at least --domain to a add a new site"],
    [
      ["sites", "modify", "--ssl-verify"],
      "You must supply at least one of --domain or --name to modify a site",
    ],
    [
      ["sites", "add", "--domain", "x", "--no-ssl-verify", "--use-truststore"],
      "Cannot set both --use-truststore and --no-ssl-verify",
    ],
    [
      ["sites", "add", "--domain", "x", "--extra-headers", "{x"],
      "extra-headers=<redacted> could not be parsed as JSON",
    ],
    [
      ["sites", "add", "--domain", "x", "--proxy-servers", "["],
      "proxy-servers=<redacted> could not be parsed as JSON",
    ],
    [["sites", "add", "--domain", "x", "--bogus"], "unknown option '--bogus'"],
    [["sites", "remove"], "missing required argument 'site'"],
  ];
  for (const [args, message] of cases) {
    const result = await runCli(args, { home: home.path });
    assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
    assert.ok(result.stderr.includes(message), `${args.join(" ")}: ${result.stderr}`);
  }
  assert.deepEqual(await listDir(home.path).then((names) => names.includes(".anaconda")), false);
});

Deno.test("errors exit 1: existing name, only site, unknown site", async () => {
  await using home = await tempHome();
  const path = await writeConfig(
    home.path,
    'default_site = "a"\n\n[sites.a]\ndomain = "a.com"\n',
  );
  const cases: Array<[string[], string]> = [
    [
      ["sites", "add", "--name", "a", "--domain", "b.com", "-y"],
      "A site with name a already exists, use the modify subcommand to alter it",
    ],
    [["sites", "remove", "a", "-y"], "a is the only configured site and cannot be removed"],
    [["sites", "remove", "a.com", "-y"], "a.com is the only configured site and cannot be removed"],
    [
      ["sites", "modify", "--name", "zzz", "-y"],
      `The site or domain zzz has not been configured in ${path}`,
    ],
    [["sites", "show", "zzz"], `The site or domain zzz has not been configured in ${path}`],
  ];
  for (const [args, message] of cases) {
    const result = await runCli(args, { home: home.path });
    assert.equal(result.code, 1, `${args.join(" ")}: ${result.stderr}`);
    assert.ok(result.stderr.includes(message), `${args.join(" ")}: ${result.stderr}`);
  }
  await writeConfig(
    home.path,
    'default_site = "a"\n\n[sites.a]\ndomain = "a.com"\n\n[sites.b]\ndomain = "b.com"\n',
  );
  const unknown = await runCli(["sites", "remove", "c", "-y"], { home: home.path });
  assert.equal(unknown.code, 1);
  assert.equal(
    unknown.stderr,
    `UnknownSiteName: The site or domain c has not been configured in ${path}\n` +
      "Use one of: a (a.com) [default], b (b.com)\n",
  );
  assert.deepEqual(await backups(home.path), []);
});

Deno.test("an invalid --domain exits 1 with the Python tool's message and writes nothing", async () => {
  await using home = await tempHome();
  const text = 'default_site = "a"\n\n[sites.a]\ndomain = "a.com"\n';
  const path = await writeConfig(home.path, text);
  const cases: Array<[string[], string]> = [
    [
      ["sites", "modify", "--domain", "http://", "-y"],
      "http:// does not look like a domain name\n",
    ],
    [["sites", "add", "--domain", "http://", "-y"], "http:// does not look like a domain name\n"],
    [
      ["sites", "add", "--domain", "a.com:99999", "-y"],
      "a.com:99999 does not look like a domain name: the port must be a number from 1 to 65535\n",
    ],
  ];
  for (const [args, message] of cases) {
    const result = await runCli(args, { home: home.path });
    assert.equal(result.code, 1, `${args.join(" ")}: ${result.stderr}`);
    assert.equal(result.stderr, `ConfigError: ${message}`);
  }
  assert.equal(await Deno.readTextFile(path), text);
  assert.deepEqual(await backups(home.path), []);
});

Deno.test("site names with control characters are refused when added and when loaded", async () => {
  await using home = await tempHome();
  const added = await runCli(
    ["sites", "add", "--name", "x\u001b[2Jy", "--domain", "x.com", "-y"],
    { home: home.path },
  );
  assert.equal(added.code, 1);
  assert.equal(
    added.stderr,
    'ConfigError: Error in option --name: the site name "x\\x1b[2Jy" contains control ' +
      "characters; use printable characters only\n",
  );
  assert.deepEqual(await listDir(home.path), []);
  const path = await writeConfig(home.path, '[sites."x\\u001b[2J\\ny"]\ndomain = "x.com"\n');
  const listed = await runCli(["sites", "list"], { home: home.path });
  assert.equal(listed.code, 1);
  assert.equal(listed.stdout, "");
  assert.equal(
    listed.stderr,
    `ConfigError: Error in ${path}: the site name "x\\x1b[2J\\x0ay" contains control ` +
      "characters; use printable characters only\n",
  );
});

Deno.test("--at must name a site even with ANACONDA_AUTH_DOMAIN set, which it notes", async () => {
  await using home = await tempHome();
  const path = await writeConfig(
    home.path,
    'default_site = "a"\n\n[sites.a]\ndomain = "a.com"\n\n[sites.b]\ndomain = "b.com"\n',
  );
  const env = { ANACONDA_AUTH_DOMAIN: "example.com" };
  const unknown = await runCli(["auth", "api-key", "--at", "nosuch"], { home: home.path, env });
  assert.equal(unknown.code, 1, unknown.stderr);
  assert.equal(unknown.stdout, "");
  assert.equal(
    unknown.stderr,
    "UnknownSiteName: nosuch is not an allowed value for --at. " +
      `The site or domain nosuch has not been configured in ${path}\n` +
      "Use one of: a (a.com) [default], b (b.com)\n",
  );
  const key = jwt(3600);
  const noted = await runCli(["auth", "api-key", "--at", "b"], {
    home: home.path,
    env: { ...env, ANACONDA_AUTH_API_KEY: key },
  });
  assertOk(noted);
  assert.equal(noted.stdout, `${key}\n`);
  assert.equal(
    noted.stderr,
    'Note: ANACONDA_AUTH_DOMAIN=example.com overrides the domain of site "b" chosen by --at\n',
  );
  const agreed = await runCli(["auth", "api-key", "--at", "b"], {
    home: home.path,
    env: { ANACONDA_AUTH_DOMAIN: "b.com", ANACONDA_AUTH_API_KEY: key },
  });
  assertOk(agreed);
  assert.equal(agreed.stderr, "");
});

/** A path as a TOML basic string (a Windows path's backslashes escaped). */
const tomlString = (text: string) => JSON.stringify(text);

/** A file that holds a PEM certificate block, as a CA bundle does. */
const PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

Deno.test("--ca-bundle stores the bundle's absolute path as ssl_verify, checked like the config value", async () => {
  await using home = await tempHome();
  await Deno.mkdir(`${home.path}/certs`);
  await Deno.writeTextFile(`${home.path}/certs/ca.pem`, PEM);
  const added = await runCli(
    ["sites", "add", "--domain", "a.com", "--name", "a", "--ca-bundle", "certs/ca.pem", "-y"],
    { home: home.path },
  );
  assertOk(added);
  const path = configPath(home.path);
  assert.equal(
    await Deno.readTextFile(path),
    `default_site = "a"\n\n[sites.a]\ndomain = "a.com"\nssl_verify = ${
      tomlString(joinPath(home.path, "certs/ca.pem"))
    }\n`,
  );
  // sites modify takes it too; the Python tool's flags keep working beside it.
  await Deno.writeTextFile(`${home.path}/other.pem`, PEM);
  assertOk(
    await runCli(["sites", "modify", "--name", "a", "--ca-bundle", "~/other.pem", "-y"], {
      home: home.path,
    }),
  );
  assert.ok(
    (await Deno.readTextFile(path)).includes(
      `ssl_verify = ${tomlString(joinPath(home.path, "other.pem"))}\n`,
    ),
  );
  assertOk(
    await runCli(["sites", "modify", "--name", "a", "--use-truststore", "-y"], { home: home.path }),
  );
  assert.ok((await Deno.readTextFile(path)).includes('ssl_verify = "truststore"\n'));

  await Deno.writeTextFile(`${home.path}/empty.pem`, "not a certificate\n");
  const before = await Deno.readTextFile(path);
  const bad: [string, RegExp][] = [
    ["missing.pem", /^ConfigError: CA bundle \S+[\\/]missing\.pem does not exist/],
    ["empty.pem", /^ConfigError: The CA bundle \S+[\\/]empty\.pem \(--ca-bundle\) holds no PEM/],
    ["certs", /^ConfigError: [^\n]*[\\/]certs\b[^\n]*\(--ca-bundle\)\n$/],
  ];
  for (const [given, message] of bad) {
    const result = await runCli(["sites", "modify", "--name", "a", "--ca-bundle", given, "-y"], {
      home: home.path,
    });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, message);
  }
  const both = await runCli(
    ["sites", "modify", "--name", "a", "--ca-bundle", "certs/ca.pem", "--no-ssl-verify", "-y"],
    { home: home.path },
  );
  assert.equal(both.code, 2);
  assert.match(both.stderr, /^UsageError: Cannot set both --ca-bundle and --no-ssl-verify\n/);
  assert.equal(await Deno.readTextFile(path), before);
});

Deno.test("sites add of a domain another site has names that site and writes only with a yes", async () => {
  await using home = await tempHome();
  const text = 'default_site = "work"\n\n[sites.work]\ndomain = "work.example"\n';
  const path = await writeConfig(home.path, text);
  const warning = "Warning: the domain work.example is already configured as site work; " +
    "this adds a second site for it (to change that one: anaconda sites modify --name work)\n";
  const args = ["sites", "add", "--domain", "https://work.example/", "--name", "again"];
  // No terminal and no --yes: nothing to answer the question, nothing written.
  const refused = await runCli(args, { home: home.path });
  assert.equal(refused.code, 1);
  assert.ok(refused.stderr.startsWith(warning), refused.stderr);
  assert.equal(await Deno.readTextFile(path), text);
  const no = await runCli(args, { home: home.path, stdin: "n\n" });
  assert.equal(no.code, 0, no.stderr);
  assert.equal(await Deno.readTextFile(path), text);
  const yes = await runCli(args, { home: home.path, stdin: "y\n" });
  assertOk(yes);
  assert.ok(yes.stderr.startsWith(warning), yes.stderr);
  assert.ok((await Deno.readTextFile(path)).includes("[sites.again]"));
  const forced = await runCli(
    ["sites", "add", "--domain", "work.example", "--name", "third", "-y"],
    {
      home: home.path,
    },
  );
  assertOk(forced);
  assert.equal(
    forced.stderr.split("\n")[0],
    "Warning: the domain work.example is already configured as site work, again; " +
      "this adds a second site for it (to change that one: anaconda sites modify --name work)",
  );
  // A new domain says nothing of the kind.
  const other = await runCli(["sites", "add", "--domain", "dev.example", "-y"], {
    home: home.path,
  });
  assertOk(other);
  assert.doesNotMatch(other.stderr, /already configured/);
});

Deno.test("the API key warning goes to stderr and the key is written", async () => {
  await using home = await tempHome();
  const result = await runCli(
    ["sites", "add", "--domain", "k.example.com", "--api-key", "sekrit-key", "-y"],
    { home: home.path },
  );
  assertOk(result);
  assert.equal(result.stdout, "");
  assert.ok(result.stderr.includes(
    `WARNING: Your API Key will be stored in ${configPath(home.path)} and may not be secure`,
  ));
  assert.ok(!result.stderr.includes("sekrit-key"));
  assert.ok((await Deno.readTextFile(configPath(home.path))).includes('api_key = "sekrit-key"'));
});

Deno.test("the diff of --dry-run and before Confirm shows secrets redacted, the file keeps them", async () => {
  await using home = await tempHome();
  const path = await writeConfig(
    home.path,
    '[plugin.auth]\napi_key = "PLUGIN-KEY-9999"\n\n[sites.a]\ndomain = "a.com"\n',
  );
  const keyring = '{"Anaconda Cloud": {"a.com": "c2VjcmV0dmFsdWU="}}';
  const dryRun = await runCli(
    ["sites", "modify", "--name", "a", "--api-key", "NEW-SECRET-KEY-5678", "--dry-run"],
    { home: home.path },
  );
  assertOk(dryRun);
  assert.ok(dryRun.stdout.includes('\n api_key = "********9999"\n'), dryRun.stdout);
  assert.ok(dryRun.stdout.includes('\n+api_key = "********5678"\n'), dryRun.stdout);
  const asked = await runCli(
    ["sites", "modify", "--name", "a", "--api-key", "NEW-SECRET-KEY-5678", "--keyring", keyring],
    { home: home.path, stdin: "y\n" },
  );
  assertOk(asked);
  assert.ok(asked.stdout.includes('\n+"a.com" = "********dWU="\n'), asked.stdout);
  for (const result of [dryRun, asked]) {
    for (const secret of ["PLUGIN-KEY", "NEW-SECRET-KEY", "c2VjcmV0"]) {
      assert.ok(!result.stdout.includes(secret) && !result.stderr.includes(secret), secret);
    }
  }
  const written = await Deno.readTextFile(path);
  assert.ok(written.includes('api_key = "NEW-SECRET-KEY-5678"\n'), written);
  assert.ok(written.includes('"a.com" = "c2VjcmV0dmFsdWU="\n'), written);
  assert.ok(written.includes('api_key = "PLUGIN-KEY-9999"\n'), written);
});

function base64url(text: string): string {
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function jwt(expiresInSeconds: number): string {
  const claims = { exp: Math.floor(Date.now() / 1000) + expiresInSeconds, sub: "u" };
  return `${base64url('{"alg":"RS256","typ":"JWT"}')}.${base64url(JSON.stringify(claims))}.c2ln`;
}

function keyringValue(domain: string, apiKey: string): string {
  return btoa(JSON.stringify({ domain, api_key: apiKey, repo_tokens: [], version: 2 }));
}

const THREE_SITES = `default_site = "b"

[sites.a]
domain = "a.example.com"

[sites.b]
domain = "b.example.com"

[sites.c]
domain = "c.example.com"
api_key = "not-a-jwt"
`;

Deno.test("sites list shows default and login state, as a table or JSON", async () => {
  await using home = await tempHome();
  await writeConfig(home.path, THREE_SITES);
  await Deno.writeTextFile(
    `${home.path}/.anaconda/keyring`,
    JSON.stringify({
      "Anaconda Cloud": {
        "a.example.com": keyringValue("a.example.com", jwt(3600)),
        "b.example.com": keyringValue("b.example.com", jwt(-3600)),
      },
    }),
  );
  const table = await runCli(["sites", "list"], { home: home.path });
  assertOk(table);
  assert.equal(
    table.stdout,
    [
      "Site name  Domain name    Default site  Logged in",
      "---------  -------------  ------------  ---------",
      "a          a.example.com                ✔",
      "b          b.example.com  ✔",
      "c          c.example.com",
      "",
    ].join("\n"),
  );
  const json = await runCli(["sites", "list", "--json"], { home: home.path });
  assertOk(json);
  assert.deepEqual(JSON.parse(json.stdout), [
    { name: "a", domain: "a.example.com", default: false, logged_in: true },
    { name: "b", domain: "b.example.com", default: true, logged_in: false },
    { name: "c", domain: "c.example.com", default: false, logged_in: false },
  ]);
});

Deno.test("sites list without a config shows the implicit anaconda.com site", async () => {
  await using home = await tempHome();
  const result = await runCli(["sites", "list", "--json"], { home: home.path });
  assertOk(result);
  assert.deepEqual(JSON.parse(result.stdout), [
    { name: "anaconda.com", domain: "anaconda.com", default: true, logged_in: false },
  ]);
  assert.ok(!(await listDir(home.path)).includes(".anaconda"));
});

Deno.test("sites show prints the merged settings with site first, hidden fields on request", async () => {
  await using home = await tempHome();
  await writeConfig(home.path, THREE_SITES + "\n[plugin.auth]\nuse_device_flow = false\n");
  const shown = await runCli(["sites", "show"], { home: home.path });
  assertOk(shown);
  const data = JSON.parse(shown.stdout);
  assert.equal(Object.keys(data)[0], "site");
  assert.equal(data.site, "b");
  assert.equal(data.domain, "b.example.com");
  assert.equal(data.use_device_flow, false);
  assert.ok(!("api_key" in data) && !("client_id" in data) && !("keyring_path" in data));

  const byDomain = await runCli(["sites", "show", "c.example.com", "--show-hidden"], {
    home: home.path,
  });
  assertOk(byDomain);
  const hidden = JSON.parse(byDomain.stdout);
  assert.equal(hidden.site, "c");
  assert.equal(hidden.api_key, "not-a-jwt");
  assert.equal(hidden.client_id, "b4ad7f1d-c784-46b5-a9fe-106e50441f5a");

  const env = await runCli(["sites", "show", "a", "--json"], {
    home: home.path,
    env: { ANACONDA_AUTH_SSL_VERIFY: "false" },
  });
  assertOk(env);
  assert.equal(JSON.parse(env.stdout).ssl_verify, false);

  const all = await runCli(["sites", "show", "--all"], { home: home.path });
  assertOk(all);
  const tables = JSON.parse(all.stdout);
  assert.deepEqual(Object.keys(tables), ["a", "b", "c"]);
  assert.equal(tables.b.domain, "b.example.com");
  assert.equal(tables.a.use_device_flow, true, "--all shows the tables, not [plugin.auth]");
  assert.ok(!("api_key" in tables.c));
});
