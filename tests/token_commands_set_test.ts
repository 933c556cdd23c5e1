/**
 * `anaconda token set` and `anaconda token remove` end to end (docs/behaviour.md, "token
 * commands"; D51, D52): the target `.condarc` of each location flag, the exact edits with
 * comments kept, conda's token file, and bad input (malformed or unwritable `.condarc`,
 * rejected token, concurrent writers).
 */
import assert from "node:assert/strict";
import { type DevServer, startDevServer } from "../scripts/stand_in/server.ts";
import { storedToken } from "./dev_site.ts";
import { type CliResult, runCli, tempHome } from "./support.ts";
import { condarcLockPath } from "../src/conda/condarc_file.ts";
import {
  afterArgvWarning,
  backupFiles,
  condaLog,
  FAKE_CONDA,
  fakeConda,
  readOrNull,
  tokenEnv,
  tokenFile,
} from "./token_commands_support.ts";
import { condaTokenDir, escapeRegExp, joinPath, SEP } from "./paths.ts";

const CONDARC = `# team settings
channels:
  - conda-forge   # first
auto_activate_base: false
`;

function configured(repo: string): string {
  return `${CONDARC}add_anaconda_token: true
default_channels:
  - ${repo}main
  - ${repo}r
  - ${repo}msys2
`;
}

/** `anaconda token <args>` in `home` against `server`. */
function token(
  server: DevServer,
  home: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<CliResult> {
  return runCli(["token", ...args], { home, env: tokenEnv(server, env) });
}

Deno.test("set writes ~/.condarc by default, keeping its comments, and conda's token file", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  const live = server.repo.issue("acme").token;
  await Deno.writeTextFile(`${home.path}/.condarc`, CONDARC);

  const result = await token(server, home.path, ["set", live, "--force-config-condarc"]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, "");
  const [backup, ...more] = await backupFiles(home.path);
  assert.deepEqual(more, []);
  assert.equal(
    afterArgvWarning(result.stderr),
    `Configuring your .condarc file (${joinPath(home.path, ".condarc")})\n` +
      "✓ Success! Your token was validated and Conda has been configured. " +
      `(backup of the previous version: ${joinPath(home.path, ".anaconda", "backups", backup!)})\n`,
  );
  assert.equal(await Deno.readTextFile(`${home.path}/.anaconda/backups/${backup}`), CONDARC);
  assert.equal(await Deno.readTextFile(`${home.path}/.condarc`), configured(server.repo.url));
  const port = new URL(server.url).port;
  const file = tokenFile(home.path, server.repo.url);
  assert.equal(
    file,
    joinPath(condaTokenDir(home.path), `https%3A%2F%2F127.0.0.1%3A${port}%2Frepo%2F.token`),
  );
  assert.equal(await Deno.readTextFile(file), live);
  // set keeps nothing in the keyring unless --org says whose token it is.
  assert.equal(await storedToken(home.path, server.domain), null);

  // Setting it again finds everything in place: no write, no new backup.
  const again = await token(server, home.path, ["set", live]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /\nDefault channels already configured, nothing to do\.\n/);
  assert.equal((await backupFiles(home.path)).length, 1);
});

Deno.test({
  name: "set --file, --env and --system write the .condarc they name (D51)",
  ignore: !FAKE_CONDA,
}, async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  const live = server.repo.issue("acme").token;
  const repo = server.repo.url;
  const expected = `add_anaconda_token: true
default_channels:
  - ${repo}main
  - ${repo}r
  - ${repo}msys2
`;
  const prefix = `${home.path}/envs/work`;
  const base = `${home.path}/miniconda3`;
  const other = `${home.path}/other-base`;
  await Deno.mkdir(prefix, { recursive: true });
  const conda = await fakeConda(home.path, { base: other });
  const cases: [string[], Record<string, string>, string][] = [
    [["--file", "team/condarc.yml"], {}, `${home.path}/team/condarc.yml`],
    [["-f", "~/x.yml"], {}, `${home.path}/x.yml`],
    [["--env"], { CONDA_PREFIX: prefix }, `${prefix}/.condarc`],
    [["--system"], { CONDA_ROOT: base }, `${base}/.condarc`],
    [["-s"], { CONDA_EXE: `${base}2/bin/conda` }, `${base}2/.condarc`],
    [["--system"], conda, `${other}/.condarc`],
  ];
  for (const [flags, env, path] of cases) {
    const result = await token(server, home.path, [
      "set",
      live,
      ...flags,
      "--force-config-condarc",
    ], env);
    assert.equal(result.code, 0, `${flags.join(" ")}: ${result.stderr}`);
    assert.equal(await Deno.readTextFile(path), expected, flags.join(" "));
  }
  assert.equal(await readOrNull(`${home.path}/.condarc`), null);
  assert.deepEqual((await condaLog(home.path)).filter((line) => line.startsWith("info")), [
    "info --base",
  ]);

  // remove undoes it in the same places.
  for (const [flags, env, path] of cases) {
    const result = await token(server, home.path, ["remove", ...flags], env);
    assert.equal(result.code, 0, `${flags.join(" ")}: ${result.stderr}`);
    assert.equal(
      await Deno.readTextFile(path),
      "add_anaconda_token: true\nextra_safety_checks: false\n",
      flags.join(" "),
    );
  }
  assert.equal(await readOrNull(tokenFile(home.path, repo)), null);
});

Deno.test("locations: --env without an environment is the user's file (as conda); errors", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  await Deno.writeTextFile(`${home.path}/.condarc`, "default_channels: [x]\n");
  const env = await token(server, home.path, ["remove", "--env"]);
  assert.equal(env.code, 0, env.stderr);
  assert.doesNotMatch(await Deno.readTextFile(`${home.path}/.condarc`), /default_channels/);
  const system = await token(server, home.path, ["remove", "--system"], { PATH: "/nonexistent" });
  assert.equal(system.code, 1);
  assert.equal(
    system.stderr,
    "CondarcError: Cannot find conda's base environment for --system (no CONDA_ROOT, " +
      "CONDA_EXE or conda on PATH); pass --file <path>\n",
  );
  const both = await token(server, home.path, ["set", "x", "--env", "--file", "a.yml"]);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /^UsageError: --env and --file cannot be used together\n/);
  assert.deepEqual(server.requests, []);
});

Deno.test("set options: archive channels, no TLS checks, signature verification; remove undoes them", async () => {
  await using home = await tempHome();
  // No CA for the site: a TLS check of the repository fails unless --no-ssl-verify.
  await using server = await startDevServer();
  const live = server.repo.issue("acme").token;
  const repo = server.repo.url;
  await Deno.writeTextFile(`${home.path}/.condarc`, CONDARC);
  const untrusted = { ANACONDA_AUTH_SSL_VERIFY: "true" };

  const checked = await token(
    server,
    home.path,
    ["set", live, "--force-config-condarc"],
    untrusted,
  );
  assert.equal(checked.code, 1);
  assert.match(
    afterArgvWarning(checked.stderr),
    /^TokenValidationError: The token could not be validated: Request to https:\/\/127\.0\.0\.1:\d+\/t\/REDACTED\/repo\/main\/noarch\/repodata\.json failed: .*certificate/i,
  );
  assert.equal(await Deno.readTextFile(`${home.path}/.condarc`), CONDARC);

  const result = await token(server, home.path, [
    "set",
    live,
    "--include-archive-channels",
    "free",
    "pro",
    "--no-ssl-verify",
    "--enable-signature-verification",
    "--force-config-condarc",
  ], untrusted);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(
    await Deno.readTextFile(`${home.path}/.condarc`),
    `${CONDARC}add_anaconda_token: true
ssl_verify: false
extra_safety_checks: true
signing_metadata_url_base: ${repo.slice(0, -1)}
default_channels:
  - ${repo}main
  - ${repo}r
  - ${repo}msys2
  - ${repo}free
  - ${repo}pro
`,
  );

  const removed = await token(server, home.path, ["remove"]);
  assert.equal(removed.code, 0, removed.stderr);
  assert.match(
    removed.stderr,
    new RegExp(
      `^✓ Removed the conda token for ${repo}; updated ${
        escapeRegExp(joinPath(home.path, ".condarc"))
      } \\(backup of the previous version: ${
        escapeRegExp(joinPath(home.path, ".anaconda", "backups"))
      }${SEP}condarc\\.[0-9a-f]{12}\\.backup\\.\\d{8}_\\d{6}_\\d{6}\\)\\n$`,
    ),
  );
  assert.equal(
    await Deno.readTextFile(`${home.path}/.condarc`),
    `${CONDARC}add_anaconda_token: true\nssl_verify: false\nextra_safety_checks: false\n`,
  );
  assert.equal(await readOrNull(tokenFile(home.path, repo)), null);
  const bad = await token(server, home.path, ["set", live, "--include-archive-channels", "mro"]);
  assert.equal(bad.code, 2);
  assert.match(
    bad.stderr,
    /argument 'mro' is invalid\. Allowed choices are free, mro-archive, pro\./,
  );
});

Deno.test("set --org also keeps the token as the organization's repo token; - reads it from stdin", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  const live = server.repo.issue("acme").token;
  const result = await runCli(
    ["token", "set", "-", "--org", "acme", "--file", "c.yml", "--force-config-condarc"],
    { home: home.path, env: tokenEnv(server), stdin: `${live}\n` },
  );
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual((await storedToken(home.path, server.domain))?.repo_tokens, [
    { token: live, org_name: "acme" },
  ]);
  assert.equal(await Deno.readTextFile(tokenFile(home.path, server.repo.url)), live);
});

Deno.test("a rejected token writes nothing; the Python tool's message comes with the status", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  const revoked = server.repo.issue("acme").token;
  server.repo.revoke(revoked);
  const result = await token(server, home.path, ["set", revoked, "--force-config-condarc"]);
  assert.equal(result.code, 1);
  assert.match(
    afterArgvWarning(result.stderr),
    /^TokenValidationError: The token could not be validated: HEAD \S+\/t\/REDACTED\/repo\/main\/noarch\/repodata\.json answered 403 Forbidden\. Please check that you have typed it correctly\n$/,
  );
  assert.ok(!result.stderr.includes(revoked));
  assert.equal(await readOrNull(`${home.path}/.condarc`), null);
  assert.equal(await readOrNull(tokenFile(home.path, server.repo.url)), null);
});

Deno.test("a malformed .condarc is a one-line error with its path, and nothing changes", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  const live = server.repo.issue("acme").token;
  const broken = "channels:\n  - conda-forge\n ssl_verify: false\n";
  await Deno.writeTextFile(`${home.path}/.condarc`, broken);
  const file = tokenFile(home.path, server.repo.url);
  await Deno.mkdir(condaTokenDir(home.path), { recursive: true });
  await Deno.writeTextFile(file, "old-token");

  for (const args of [["set", live, "--force-config-condarc"], ["remove"]]) {
    const result = await token(server, home.path, args);
    assert.equal(result.code, 1, args.join(" "));
    assert.match(
      args[0] === "set" ? afterArgvWarning(result.stderr) : result.stderr,
      new RegExp(`^CondarcError: ${escapeRegExp(joinPath(home.path, ".condarc"))}:3:\\d+: .+\\n$`),
      args.join(" "),
    );
    assert.equal(await Deno.readTextFile(`${home.path}/.condarc`), broken);
    assert.equal(await Deno.readTextFile(file), "old-token");
  }
  assert.deepEqual(server.requests, []);
  assert.deepEqual(await backupFiles(home.path), []);
});

Deno.test("an unwritable target is a clear error, and nothing else changes", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  const live = server.repo.issue("acme").token;
  // A folder that cannot be created (a file is in the way), and a .condarc whose lock
  // cannot be made (a folder is in the way).
  await Deno.writeTextFile(`${home.path}/not-a-folder`, "");
  await Deno.writeTextFile(`${home.path}/locked.yml`, CONDARC);
  await Deno.mkdir(await condarcLockPath({ homeDir: () => home.path }, `${home.path}/locked.yml`));

  const blocked = await token(server, home.path, [
    "set",
    live,
    "--file",
    "not-a-folder/.condarc",
    "--force-config-condarc",
  ]);
  assert.equal(blocked.code, 1);
  if (Deno.build.os === "windows") {
    // Windows says "path not found" for a path through a file (as for a missing folder),
    // so the folder is created, which the file in the way refuses.
    // The token was checked (one HEAD request) before that write failed.
    assert.match(
      afterArgvWarning(blocked.stderr),
      /\nCondarcError: Cannot create the folder \S+not-a-folder: .*\(os error 183\)/,
    );
    assert.deepEqual(server.requests.map((request) => request.method), ["HEAD"]);
    server.requests.length = 0;
  } else {
    assert.equal(
      afterArgvWarning(blocked.stderr),
      `CondarcError: Cannot read ${home.path}/not-a-folder/.condarc: Not a directory (os error 20)\n`,
    );
  }
  assert.deepEqual(server.requests, []);

  const locked = await token(server, home.path, [
    "set",
    live,
    "-f",
    "locked.yml",
    "--force-config-condarc",
  ]);
  assert.equal(locked.code, 1);
  assert.match(
    locked.stderr,
    new RegExp(
      `\\nCondarcError: Cannot write ${escapeRegExp(joinPath(home.path, "locked.yml"))}: `,
    ),
  );
  assert.equal(await Deno.readTextFile(`${home.path}/locked.yml`), CONDARC);
  assert.equal(await readOrNull(tokenFile(home.path, server.repo.url)), null);
});

/** How many lock requests wait for the file with inode `ino` (`->` lines of /proc/locks). */
async function lockWaiters(ino: number | null): Promise<number> {
  const lines = (await Deno.readTextFile("/proc/locks")).split("\n");
  return lines.filter((line) => / -> /.test(line) && line.includes(`:${ino} `)).length;
}

Deno.test({
  name: "token set waits for the .condarc lock and loses no concurrent change",
  // The waiters are seen in /proc/locks, which only Linux has.
  ignore: Deno.build.os !== "linux",
}, async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  const live = server.repo.issue("acme").token;
  const path = `${home.path}/shared.yml`;
  await Deno.writeTextFile(path, CONDARC);
  // Another writer holds the lock (one path per file, in ~/.anaconda/locks) while the
  // runs validate their token.
  const lockPath = await condarcLockPath({ homeDir: () => home.path }, path);
  assert.match(lockPath, new RegExp(`^${home.path}/\\.anaconda/locks/[0-9a-f]{64}\\.lock$`));
  const lock = await Deno.open(lockPath, { create: true, write: true });
  await lock.lock(true);
  // The runs that have ended, with what they printed (none may end before the lock is free).
  const ended: string[] = [];
  const pending = [["--no-ssl-verify"], ["--enable-signature-verification"], []].map((flags) =>
    token(server, home.path, ["set", live, "--file", path, "--force-config-condarc", ...flags])
      .then((run) => {
        ended.push(`exit ${run.code}: ${run.stderr.trim()}`);
        return run;
      })
  );
  // Wait until the three runs are queued on the lock (Linux lists waiters in /proc/locks).
  const { ino } = await Deno.stat(lockPath);
  const deadline = Date.now() + 30_000;
  while (await lockWaiters(ino) < 3 && ended.length === 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const locks = await Deno.readTextFile("/proc/locks");
  assert.equal(
    await lockWaiters(ino),
    3,
    `the runs did not all wait for the lock (inode ${ino}; ended: ${
      JSON.stringify(ended)
    }; /proc/locks:\n${locks})`,
  );
  assert.equal(ended.length, 0, `a run did not wait for the lock: ${JSON.stringify(ended)}`);
  await Deno.writeTextFile(path, `${CONDARC}other_writer: true\n`);
  lock.close();

  for (const run of await Promise.all(pending)) assert.equal(run.code, 0, run.stderr);
  const text = await Deno.readTextFile(path);
  assert.ok(text.startsWith(`${CONDARC}other_writer: true\n`), text);
  for (
    const line of ["ssl_verify: false", "extra_safety_checks: true", "add_anaconda_token: true"]
  ) {
    assert.ok(text.includes(`\n${line}\n`), `${line} lost:\n${text}`);
  }
});

Deno.test({
  name: "conda clean runs after set and remove when conda is on PATH",
  ignore: !FAKE_CONDA,
}, async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  const live = server.repo.issue("acme").token;
  const conda = await fakeConda(home.path);
  const set = await token(server, home.path, ["set", live, "--force-config-condarc"], conda);
  assert.equal(set.code, 0, set.stderr);
  const remove = await token(server, home.path, ["remove"], conda);
  assert.equal(remove.code, 0, remove.stderr);
  assert.deepEqual(await condaLog(home.path), ["clean -i -y -q", "clean -i -y -q"]);
});

Deno.test("a token on the command line gets a warning that points to -; from standard input none", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  const live = server.repo.issue("acme").token;
  const onArgv = await token(server, home.path, ["set", live, "--force-config-condarc"]);
  assert.equal(onArgv.code, 0, onArgv.stderr);
  assert.ok(
    onArgv.stderr.startsWith(
      "Warning: a token on the command line is visible to other users of this machine; " +
        "pass - instead to read it from standard input\n",
    ),
    onArgv.stderr,
  );
  const fromStdin = await runCli(["token", "set", "-", "--force-config-condarc"], {
    home: home.path,
    env: tokenEnv(server),
    stdin: `${live}\n`,
  });
  assert.equal(fromStdin.code, 0, fromStdin.stderr);
  assert.ok(!fromStdin.stderr.includes("on the command line"), fromStdin.stderr);
});
