/**
 * End-to-end: `auth api-key`, `auth logout`, `auth status` with the file keyring, and
 * byte compatibility with the Python tool's `~/.anaconda/keyring`.
 */
import assert from "node:assert/strict";
import { cleanEnv, RUN_PERMISSIONS, runCli, runProgram, tempHome } from "./support.ts";
import { jwtExpiringIn, makeJwt, runPython } from "./token_support.ts";
import { fileURLToPath } from "node:url";
import { NO_PYTHON, unlessWine } from "./wine.ts";

const KEYRING = ".anaconda/keyring";

/** Writes the keyring the way the Python tool does (json.dump, base64 of compact JSON). */
async function pythonWritesKeyring(home: string, records: Record<string, unknown>): Promise<void> {
  const result = await runPython(
    `
import base64, json, os, sys
records = json.loads(sys.stdin.read())
data = {"Anaconda Cloud": {}}
for domain, record in records.items():
    payload = json.dumps(record, separators=(",", ":")) if isinstance(record, dict) else record
    data["Anaconda Cloud"][domain] = base64.b64encode(payload.encode("utf-8")).decode("utf-8") if isinstance(record, dict) else record
path = os.path.join(sys.argv[1] if len(sys.argv) > 1 else os.environ["HOME"], ".anaconda", "keyring")
os.makedirs(os.path.dirname(path), exist_ok=True)
with open(path, "w") as fp:
    json.dump(data, fp)
`,
    { env: { HOME: home }, stdin: JSON.stringify(records) },
  );
  assert.equal(result.code, 0, result.stderr);
}

/** What Python's json.load and base64/json decoding make of our keyring file. */
async function pythonReadsKeyring(home: string): Promise<Record<string, unknown>> {
  const result = await runPython(
    `
import base64, json, os
with open(os.path.join(os.environ["HOME"], ".anaconda", "keyring")) as fp:
    data = json.load(fp)
out = {d: json.loads(base64.b64decode(v)) for d, v in data["Anaconda Cloud"].items()}
print(json.dumps(out))
`,
    { env: { HOME: home } },
  );
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout);
}

Deno.test({
  ...unlessWine("auth api-key prints a key the Python tool stored, and nothing else", NO_PYTHON),
}, async () => {
  await using home = await tempHome();
  const key = jwtExpiringIn(3600);
  await pythonWritesKeyring(home.path, {
    "anaconda.com": {
      domain: "anaconda.com",
      api_key: key,
      username: "jane",
      repo_tokens: [],
      version: 2,
    },
  });
  const result = await runCli(["auth", "api-key"], { home: home.path });
  assert.deepEqual(result, { code: 0, stdout: `${key}\n`, stderr: "" });
});

Deno.test({ ...unlessWine("auth api-key --at picks the site's domain", NO_PYTHON) }, async () => {
  await using home = await tempHome();
  const key = jwtExpiringIn(3600);
  await pythonWritesKeyring(home.path, { "other.test": { api_key: key } });
  await Deno.mkdir(`${home.path}/.anaconda`, { recursive: true });
  await Deno.writeTextFile(
    `${home.path}/.anaconda/config.toml`,
    'default_site = "main"\n\n[sites.main]\ndomain = "anaconda.com"\n\n[sites.other]\ndomain = "other.test"\n',
  );
  assert.equal(
    (await runCli(["auth", "api-key", "--at", "other"], { home: home.path })).stdout,
    `${key}\n`,
  );
  assert.equal(
    (await runCli(["--at", "other.test", "auth", "api-key"], { home: home.path })).stdout,
    `${key}\n`,
  );
  assert.equal((await runCli(["auth", "api-key"], { home: home.path })).code, 1);
});

Deno.test("auth api-key without a token: TokenNotFoundError, exit 1", async () => {
  await using home = await tempHome();
  const result = await runCli(["auth", "api-key"], { home: home.path });
  assert.equal(result.code, 1);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /^TokenNotFoundError: Login is required to complete this action\./);
});

Deno.test({
  ...unlessWine("auth api-key with an expired key: TokenExpiredError, exit 1", NO_PYTHON),
}, async () => {
  await using home = await tempHome();
  await pythonWritesKeyring(home.path, { "anaconda.com": { api_key: jwtExpiringIn(-60) } });
  const result = await runCli(["auth", "api-key"], { home: home.path });
  assert.equal(result.code, 1);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /^TokenExpiredError: Your login token has expired/);
});

Deno.test({
  ...unlessWine(
    "auth api-key with a key that is not a JWT or has no exp: not a valid API key (D26)",
    NO_PYTHON,
  ),
}, async () => {
  await using home = await tempHome();
  for (const apiKey of ["not-a-jwt-secret-value", makeJwt({ sub: "no-exp" })]) {
    await pythonWritesKeyring(home.path, { "anaconda.com": { api_key: apiKey } });
    const result = await runCli(["auth", "api-key"], { home: home.path });
    assert.equal(result.code, 1);
    assert.equal(result.stdout, "");
    assert.match(
      result.stderr,
      /^TokenExpiredError: The stored API key of anaconda\.com is not a valid API key/,
    );
    assert.ok(!result.stderr.includes(apiKey), "the key is not shown");
    assert.ok(!/\n\s+at /.test(result.stderr), "no stack trace");
  }
});

Deno.test({
  ...unlessWine(
    "a keyring value that is not base64 or not JSON is reported without showing it",
    NO_PYTHON,
  ),
}, async () => {
  await using home = await tempHome();
  const cases: Array<[string, string]> = [
    ["%%% secret-not-base64 %%%", "is not base64"],
    [btoa("secret-not-json{"), "is not JSON"],
  ];
  for (const [value, reason] of cases) {
    await pythonWritesKeyring(home.path, { "anaconda.com": value });
    const result = await runCli(["auth", "api-key"], { home: home.path });
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      new RegExp(
        `^Warning: The stored token for anaconda\\.com ${reason} \\(file keyring ~/\\.anaconda/keyring\\); log in again to replace it\\nTokenNotFoundError: `,
      ),
    );
    assert.ok(!result.stderr.includes("secret-not"));
    const status = await runCli(["auth", "status", "--json"], { home: home.path });
    assert.equal(status.code, 1);
    assert.equal(JSON.parse(status.stdout)[0].state, "invalid");
  }
});

Deno.test("a corrupt keyring file is moved aside with a warning naming it (D15)", async () => {
  await using home = await tempHome();
  await Deno.mkdir(`${home.path}/.anaconda`);
  const corrupt = '{"Anaconda Cloud": {"other.test": "precious"';
  await Deno.writeTextFile(`${home.path}/${KEYRING}`, corrupt);
  const result = await runCli(["auth", "api-key"], { home: home.path });
  assert.equal(result.code, 1);
  const match =
    /^Warning: the file keyring \S+ was corrupt \(not valid JSON[^\n]*\); it was moved to (\S+keyring\.corrupt-\d{8}T\d{6}Z)\n/
      .exec(result.stderr);
  assert.ok(match, result.stderr);
  assert.equal(await Deno.readTextFile(match[1]!), corrupt);
  assert.match(result.stderr, /TokenNotFoundError/);
});

Deno.test({
  ...unlessWine(
    "auth logout removes anaconda.com and anaconda.cloud, keeps the rest, and Python still reads the file",
    NO_PYTHON,
  ),
}, async () => {
  await using home = await tempHome();
  const key = jwtExpiringIn(3600);
  await pythonWritesKeyring(home.path, {
    "anaconda.com": { api_key: key },
    "anaconda.cloud": { api_key: key },
    "other.test": {
      domain: "other.test",
      api_key: key,
      username: "ü-user",
      repo_tokens: [{ token: "t", org_name: "o" }],
      version: 2,
    },
  });
  const result = await runCli(["auth", "logout"], { home: home.path });
  assert.deepEqual(result, { code: 0, stdout: "", stderr: "Logged out of anaconda.com\n" });
  assert.deepEqual(await pythonReadsKeyring(home.path), {
    "other.test": {
      domain: "other.test",
      api_key: key,
      username: "ü-user",
      repo_tokens: [{ token: "t", org_name: "o" }],
      version: 2,
    },
  });
  if (Deno.build.os !== "windows") {
    assert.equal((await Deno.stat(`${home.path}/${KEYRING}`)).mode! & 0o777, 0o600);
  }
  const again = await runCli(["auth", "logout"], { home: home.path });
  assert.deepEqual(again, { code: 0, stdout: "", stderr: "No stored token for anaconda.com\n" });
});

Deno.test({
  ...unlessWine(
    "a legacy id.anaconda.cloud token is migrated, and Python reads the migrated record",
    NO_PYTHON,
  ),
}, async () => {
  await using home = await tempHome();
  const key = jwtExpiringIn(3600);
  await pythonWritesKeyring(home.path, {
    "id.anaconda.cloud": { domain: "id.anaconda.cloud", api_key: key, username: "old", version: 1 },
  });
  const result = await runCli(["auth", "api-key"], { home: home.path });
  // Python made ~/.anaconda 0755; the migration writes a secret into it (D17).
  assert.deepEqual(result, {
    code: 0,
    stdout: `${key}\n`,
    stderr: Deno.build.os === "windows"
      ? ""
      : `Tightened the permissions of ${home.path}/.anaconda to 0700 (it holds secrets)\n`,
  });
  assert.deepEqual(await pythonReadsKeyring(home.path), {
    "anaconda.com": {
      domain: "anaconda.com",
      api_key: key,
      username: "old",
      repo_tokens: [],
      version: 2,
    },
  });
  const text = await Deno.readTextFile(`${home.path}/${KEYRING}`);
  assert.match(text, /^\{"Anaconda Cloud": \{"anaconda\.com": "[A-Za-z0-9+/]+=*"\}\}$/);
});

Deno.test({
  ...unlessWine(
    "logout with ANACONDA_AUTH_API_KEY set removes the stored token and says the key still works (D24)",
    NO_PYTHON,
  ),
}, async () => {
  await using home = await tempHome();
  await pythonWritesKeyring(home.path, { "anaconda.com": { api_key: jwtExpiringIn(3600) } });
  const env = { ANACONDA_AUTH_API_KEY: "env-secret-key" };
  const apiKey = await runCli(["auth", "api-key"], { home: home.path, env });
  assert.deepEqual(apiKey, { code: 0, stdout: "env-secret-key\n", stderr: "" });
  const result = await runCli(["auth", "logout"], { home: home.path, env });
  assert.equal(result.code, 0);
  assert.equal(
    result.stderr,
    "Logged out of anaconda.com\nThe API key from environment variable ANACONDA_AUTH_API_KEY still " +
      "authenticates to anaconda.com; remove it to log out completely\n",
  );
  assert.ok(!result.stderr.includes("env-secret-key"));
  assert.deepEqual(await pythonReadsKeyring(home.path), {});
});

Deno.test({
  ...unlessWine(
    "auth status lists every site with state, storage, user and expiry; exit code follows the selected site",
    NO_PYTHON,
  ),
}, async () => {
  await using home = await tempHome();
  const exp = Math.floor(Date.now() / 1000) + 7200;
  const valid = makeJwt({ exp });
  await pythonWritesKeyring(home.path, {
    "anaconda.com": { api_key: valid, username: "jane" },
    "expired.test": { api_key: jwtExpiringIn(-10) },
  });
  await Deno.mkdir(`${home.path}/.anaconda`, { recursive: true });
  await Deno.writeTextFile(
    `${home.path}/.anaconda/config.toml`,
    '# my sites\ndefault_site = "main"\n\n[sites.main]\ndomain = "anaconda.com"\n\n' +
      '[sites.old]\ndomain = "expired.test"\n\n[sites.none]\ndomain = "none.test"\n',
  );
  const expiry = new Date(exp * 1000).toISOString().replace(/\.\d+Z$/, "Z");
  const json = await runCli(["auth", "status", "--json"], { home: home.path });
  assert.equal(json.code, 0, json.stderr);
  const rows = JSON.parse(json.stdout);
  assert.deepEqual(
    rows.map((
      row: Record<string, unknown>,
    ) => [row.site, row.domain, row.selected, row.state, row.logged_in]),
    [
      ["main", "anaconda.com", true, "logged-in", true],
      ["old", "expired.test", false, "expired", false],
      ["none", "none.test", false, "not-logged-in", false],
    ],
  );
  assert.equal(rows[0].storage, "file keyring ~/.anaconda/keyring");
  assert.equal(rows[0].username, "jane");
  assert.equal(rows[0].expires_at, expiry);
  assert.equal(rows[2].storage, null);

  const table = await runCli(["auth", "status"], { home: home.path });
  assert.equal(table.code, 0);
  const lines = table.stdout.trimEnd().split("\n");
  assert.match(
    lines[0]!,
    /^Site\s+Domain\s+Selected\s+Logged in\s+Storage\s+Username\s+Key expires$/,
  );
  assert.match(
    lines[2]!,
    new RegExp(
      `^main\\s+anaconda\\.com\\s+✔\\s+yes\\s+file keyring ~/\\.anaconda/keyring\\s+jane\\s+${expiry}$`,
    ),
  );
  assert.match(lines[3]!, /^old\s+expired\.test\s+expired\s+file keyring/);
  assert.match(lines[4]!, /^none\s+none\.test\s+no$/);
  assert.ok(!table.stdout.includes(valid), "no key in the output");

  // Not logged in: why, and the command that logs in (as `gh auth status`).
  const reasons: Record<string, string> = {
    old: "The stored API key expired on ",
    none: "You are not logged in to none (none.test).",
  };
  for (const [at, reason] of Object.entries(reasons)) {
    const other = await runCli(["auth", "status", "--at", at], { home: home.path });
    assert.equal(other.code, 1, `--at ${at}`);
    assert.ok(other.stderr.startsWith(reason), other.stderr);
    assert.ok(
      other.stderr.endsWith(
        `\nTo log in, run: anaconda login --at ${at} (or set ANACONDA_AUTH_API_KEY)\n`,
      ),
      other.stderr,
    );
    assert.match(other.stdout, new RegExp(`^${at}\\s+\\S+\\s+✔`, "m"));
  }
});

Deno.test("auth status shows a key from the environment with its source", async () => {
  await using home = await tempHome();
  const key = jwtExpiringIn(3600);
  const result = await runCli(["auth", "status", "--json"], {
    home: home.path,
    env: { ANACONDA_AUTH_API_KEY: key },
  });
  assert.equal(result.code, 0);
  const [row] = JSON.parse(result.stdout);
  assert.equal(row.state, "logged-in");
  assert.equal(row.storage, "config api_key (environment variable ANACONDA_AUTH_API_KEY)");
  assert.ok(!result.stdout.includes(key));
});

Deno.test("auth status: an environment key that is not an API key is no login, exit 1, saying why", async () => {
  await using home = await tempHome();
  const result = await runCli(["auth", "status"], {
    home: home.path,
    env: { ANACONDA_AUTH_API_KEY: "garbage" },
  });
  assert.equal(result.code, 1);
  assert.match(result.stdout, /^anaconda\.com\s+anaconda\.com\s+✔\s+invalid key\s+config api_key/m);
  assert.equal(
    result.stderr,
    "The API key from environment variable ANACONDA_AUTH_API_KEY is not a valid API key " +
      "(not a JWT with an exp claim).\nReplace it with a valid API key, or remove it and log in.\n",
  );
  assert.ok(!result.stdout.includes("garbage") && !result.stderr.includes("garbage"));
});

Deno.test({
  ...unlessWine(
    "a keyring whose lock file cannot be created is a clear StoreError, exit 1, no stack trace",
    NO_PYTHON,
  ),
}, async () => {
  await using home = await tempHome();
  await pythonWritesKeyring(home.path, { "anaconda.com": { api_key: jwtExpiringIn(3600) } });
  // The lock file's place is taken by a folder: the keyring cannot be rewritten.
  await Deno.mkdir(`${home.path}/${KEYRING}.lock`);
  const result = await runCli(["auth", "logout"], { home: home.path });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^StoreError: Cannot write the file keyring in \S+\.anaconda: /);
  assert.ok(!/\n\s+at /.test(result.stderr), "no stack trace");
  // Nothing was lost.
  assert.equal(Object.keys(await pythonReadsKeyring(home.path)).length, 1);
});

const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));

/**
 * Runs `anaconda <args>` so that file permissions bind it: as root (CI containers) it
 * runs without CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH (util-linux `setpriv`), so a 0500
 * folder is as read-only for it as for any user.
 */
function runCliBoundByPermissions(args: string[], home: string, stdin: string) {
  const deno = [Deno.execPath(), "run", "--quiet", ...RUN_PERMISSIONS, MAIN, ...args];
  const isRoot = Deno.build.os !== "windows" && Deno.uid() === 0;
  const [program, ...rest] = isRoot
    ? ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--", ...deno]
    : deno;
  return runProgram(program!, rest, { cwd: home, env: cleanEnv(home), stdin });
}

Deno.test({
  name: "a read-only keyring folder: login --with-token and logout fail with a StoreError, exit 1",
  ignore: Deno.build.os === "windows",
  async fn() {
    await using home = await tempHome();
    const key = jwtExpiringIn(3600);
    await pythonWritesKeyring(home.path, { "anaconda.com": { api_key: key } });
    const before = await Deno.readTextFile(`${home.path}/${KEYRING}`);
    await Deno.chmod(`${home.path}/.anaconda`, 0o500);
    try {
      const newKey = jwtExpiringIn(7200);
      const login = await runCliBoundByPermissions(
        ["auth", "login", "--with-token"],
        home.path,
        newKey,
      );
      assert.equal(login.code, 1, login.stderr);
      assert.equal(login.stdout, "");
      assert.match(login.stderr, /^StoreError: Cannot write the file keyring in \S+\.anaconda: /);
      assert.ok(!/\n\s+at /.test(login.stderr), "no stack trace");
      assert.ok(!login.stderr.includes(newKey), "the key is not shown");
      const logout = await runCliBoundByPermissions(["auth", "logout"], home.path, "");
      assert.equal(logout.code, 1, logout.stderr);
      assert.match(logout.stderr, /^StoreError: Cannot write the file keyring in \S+\.anaconda: /);
      // The stored key is still there, byte for byte, and still readable.
      assert.equal(await Deno.readTextFile(`${home.path}/${KEYRING}`), before);
      const apiKey = await runCliBoundByPermissions(["auth", "api-key"], home.path, "");
      assert.deepEqual(apiKey, { code: 0, stdout: `${key}\n`, stderr: "" });
    } finally {
      await Deno.chmod(`${home.path}/.anaconda`, 0o700);
    }
  },
});

Deno.test({
  name: "login --with-token tightens a ~/.anaconda others can read to 0700 and says so once (D17)",
  ignore: Deno.build.os === "windows",
  async fn() {
    await using home = await tempHome();
    const folder = `${home.path}/.anaconda`;
    await Deno.mkdir(folder);
    await Deno.chmod(folder, 0o755);
    const first = await runCli(["auth", "login", "--with-token"], {
      home: home.path,
      stdin: jwtExpiringIn(3600),
    });
    assert.equal(first.code, 0, first.stderr);
    assert.equal(
      first.stderr,
      `Tightened the permissions of ${folder} to 0700 (it holds secrets)\n` +
        "✓ API key for anaconda.com stored in file keyring ~/.anaconda/keyring\n",
    );
    assert.equal((await Deno.stat(folder)).mode! & 0o777, 0o700);
    const second = await runCli(["auth", "login", "--with-token"], {
      home: home.path,
      stdin: jwtExpiringIn(7200),
    });
    assert.equal(second.code, 0, second.stderr);
    assert.equal(
      second.stderr,
      "✓ API key for anaconda.com stored in file keyring ~/.anaconda/keyring\n",
    );
  },
});

Deno.test({
  ...unlessWine(
    "an entry of another shape in the keyring file is kept, and the other tokens still work",
    NO_PYTHON,
  ),
}, async () => {
  await using home = await tempHome();
  const key = jwtExpiringIn(3600);
  await pythonWritesKeyring(home.path, { "anaconda.com": { api_key: key } });
  const path = `${home.path}/${KEYRING}`;
  const text = (await Deno.readTextFile(path)).replace(/\}$/, ', "Other": 5}');
  await Deno.writeTextFile(path, text);
  const list = await runCli(["sites", "list", "--json"], { home: home.path });
  assert.equal(list.code, 0, list.stderr);
  assert.equal(list.stderr, "");
  const apiKey = await runCli(["auth", "api-key"], { home: home.path });
  assert.deepEqual(apiKey, { code: 0, stdout: `${key}\n`, stderr: "" });
  assert.equal(await Deno.readTextFile(path), text, "not moved aside, not rewritten");
  const login = await runCli(["auth", "login", "--with-token"], {
    home: home.path,
    env: { ANACONDA_AUTH_DOMAIN: "other.test" },
    stdin: key,
  });
  assert.equal(login.code, 0, login.stderr);
  assert.match(await Deno.readTextFile(path), /, "Other": 5\}$/);
  assert.deepEqual(Object.keys(await pythonReadsKeyring(home.path)), [
    "anaconda.com",
    "other.test",
  ]);
});
