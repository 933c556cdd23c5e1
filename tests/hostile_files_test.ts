/**
 * Files that are not what they should be: a FIFO (which would block a reader forever),
 * a `.condarc` that is not UTF-8 (which a rewrite must not mangle). Each is one clear
 * error, quickly, and the file is left as it was.
 * @module
 */
import assert from "node:assert/strict";
import { condarcLockPath } from "../src/conda/condarc_file.ts";
import { runCli, runProgram, tempHome } from "./support.ts";
import { jwtExpiringIn, keyringValue } from "./token_support.ts";
import { joinPath } from "./paths.ts";
import { NO_SYMLINKS, unlessWine } from "./wine.ts";

/** The error line of a command's stderr (lines before it say what it did; a hint may follow). */
function errorLine(stderr: string): string {
  return stderr.split("\n").findLast((line) => /^\w+Error: /.test(line)) ?? "";
}

async function mkfifo(path: string): Promise<void> {
  const result = await runProgram("mkfifo", [path], { env: { PATH: "/usr/bin:/bin" } });
  assert.equal(result.code, 0, result.stderr);
}

Deno.test({
  name: "a FIFO where a file is expected is one error at once, not a hang",
  // Windows has no FIFOs in its file system.
  ignore: Deno.build.os === "windows",
}, async () => {
  await using home = await tempHome();
  await Deno.mkdir(`${home.path}/.anaconda`, { mode: 0o700 });
  await mkfifo(`${home.path}/fifo.condarc`);
  await mkfifo(`${home.path}/.anaconda/config.toml`);
  const cases: [string[], RegExp][] = [
    [
      ["token", "remove", "--file", `${home.path}/fifo.condarc`],
      /fifo\.condarc: it is not a regular file/,
    ],
    [["sites", "list"], /config\.toml: it is not a regular file/],
  ];
  for (const [args, message] of cases) {
    const result = await runCli(args, { home: home.path, timeoutMs: 15_000 });
    assert.equal(result.code, 1, `${args.join(" ")}: ${result.stderr}`);
    assert.match(result.stderr, message);
    assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
  }
});

Deno.test("a .condarc that is not UTF-8 is refused and left byte for byte", async () => {
  await using home = await tempHome();
  const path = `${home.path}/.condarc`;
  const bytes = new Uint8Array([...new TextEncoder().encode("# caf"), 0xe9, 0x0a]);
  await Deno.writeFile(path, bytes);
  const result = await runCli(["token", "remove"], { home: home.path });
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /\.condarc: it is not UTF-8 text/);
  assert.deepEqual(await Deno.readFile(path), bytes);
});

Deno.test({
  name: "a FIFO at any lock path is one clear error at once, not a hang",
  // Windows has no FIFOs in its file system.
  ignore: Deno.build.os === "windows",
}, async () => {
  await using home = await tempHome();
  const dir = `${home.path}/.anaconda`;
  await Deno.mkdir(dir, { mode: 0o700 });
  const other = `${home.path}/other.condarc`;
  for (const lock of ["keyring.lock", "config.toml.lock"]) await mkfifo(`${dir}/${lock}`);
  const base = `${home.path}/conda-base`;
  await Deno.mkdir(base);
  // A .condarc's lock lives in ~/.anaconda/locks, named after the file.
  const condarcLock = (target: string) => condarcLockPath({ homeDir: () => home.path }, target);
  const userLock = await condarcLock(`${home.path}/.condarc`);
  const otherLock = await condarcLock(other);
  const baseLock = await condarcLock(`${base}/.condarc`);
  for (const lock of [userLock, otherLock, baseLock]) await mkfifo(lock);
  const cases: [string[], string][] = [
    [["auth", "login", "--with-token", "--at", "anaconda.com"], `${dir}/keyring.lock`],
    [["sites", "add", "--domain", "a.example.com", "--yes"], `${dir}/config.toml.lock`],
    [["token", "config", "--force"], userLock],
    [["token", "remove", "--file", other], otherLock],
    [["token", "remove", "--system"], baseLock],
  ];
  for (const [args, lock] of cases) {
    const started = Date.now();
    const result = await runCli(args, {
      home: home.path,
      stdin: jwtExpiringIn(3600),
      env: { CONDA_ROOT: base },
      timeoutMs: 15_000,
    });
    assert.equal(result.code, 1, `${args.join(" ")}: ${result.stderr}`);
    // The error is the last line (token config says what it configures first).
    const last = errorLine(result.stderr);
    assert.match(last, /^\w+Error: Cannot (write|lock) /);
    assert.ok(
      last.endsWith(`: the lock file ${lock} is a FIFO, not a regular file; remove it`),
      result.stderr,
    );
    assert.ok(Date.now() - started < 10_000);
  }
});

Deno.test({
  ...unlessWine(
    "a lock path that is a dangling symbolic link says so, and nothing is created",
    NO_SYMLINKS,
  ),
}, async () => {
  await using home = await tempHome();
  // The folder and lock file as the CLI names them (the platform's separator).
  const dir = joinPath(home.path, ".anaconda");
  await Deno.mkdir(dir, { mode: 0o700 });
  // Windows needs to know what a link to nothing would point at.
  await Deno.symlink(`${home.path}/gone/keyring.lock`, `${dir}/keyring.lock`, { type: "file" });
  const result = await runCli(["auth", "login", "--with-token", "--at", "anaconda.com"], {
    home: home.path,
    stdin: jwtExpiringIn(3600),
  });
  assert.equal(result.code, 1, result.stderr);
  assert.equal(
    result.stderr,
    `StoreError: Cannot write the file keyring in ${dir}: the lock file ${
      joinPath(dir, "keyring.lock")
    } is a ` +
      `symbolic link to ${home.path}/gone/keyring.lock, which does not exist; a lock file must ` +
      "be a regular file: remove the link\n" + "Run 'anaconda auth doctor' for a diagnosis.\n",
  );
  await assert.rejects(() => Deno.lstat(`${dir}/keyring`), Deno.errors.NotFound);
});

Deno.test({
  name: "a read-only .condarc, config.toml or keyring is refused, never replaced",
  ignore: Deno.build.os === "windows",
  async fn() {
    await using home = await tempHome();
    const dir = `${home.path}/.anaconda`;
    await Deno.mkdir(dir, { mode: 0o700 });
    const files: [string, string, number][] = [
      [`${home.path}/.condarc`, "channels: [defaults]\n", 0o444],
      [`${dir}/config.toml`, '[sites.a]\ndomain = "a.example.com"\n', 0o400],
      [`${dir}/keyring`, '{"Anaconda Cloud": {}}', 0o400],
    ];
    for (const [path, text, mode] of files) {
      await Deno.writeTextFile(path, text);
      await Deno.chmod(path, mode);
    }
    const cases: [string[], string, string][] = [
      [["token", "config", "--force"], files[0]![0], "CondarcError"],
      [["sites", "add", "--domain", "b.example.com", "--yes"], files[1]![0], "ConfigError"],
      [
        ["auth", "login", "--with-token", "--at", "a"],
        `the file keyring ${files[2]![0]}`,
        "StoreError",
      ],
    ];
    for (const [args, what, error] of cases) {
      const result = await runCli(args, { home: home.path, stdin: jwtExpiringIn(3600) });
      assert.equal(result.code, 1, `${args.join(" ")}: ${result.stderr}`);
      const last = errorLine(result.stderr);
      assert.match(last, new RegExp(`^${error}: Cannot write ${what.replace(/\W/g, "\\$&")}: `));
      assert.match(last, /: it is read-only \(mode 04[04]{2}\); make it writable \(chmod u\+w\)/);
    }
    for (const [path, text, mode] of files) {
      assert.equal(await Deno.readTextFile(path), text);
      assert.equal((await Deno.stat(path)).mode! & 0o777, mode);
    }
  },
});

Deno.test("a keyring entry of another program that is not UTF-8 survives login and logout byte for byte", async () => {
  await using home = await tempHome();
  const dir = `${home.path}/.anaconda`;
  await Deno.mkdir(dir, { mode: 0o700 });
  const encode = (text: string) => new TextEncoder().encode(text);
  const record = keyringValue({ domain: "anaconda.com", api_key: jwtExpiringIn(3600), version: 2 });
  const bytes = new Uint8Array([
    ...encode('{"Other": {"x": "caf'),
    0xe9, // Latin-1: not UTF-8
    ...encode(`"}, "Anaconda Cloud": {"anaconda.com": "${record}"}}`),
  ]);
  await Deno.writeFile(`${dir}/keyring`, bytes, { mode: 0o600 });
  for (const args of [["auth", "login", "--with-token", "--force"], ["auth", "logout"]]) {
    const result = await runCli([...args, "--at", "anaconda.com"], {
      home: home.path,
      stdin: jwtExpiringIn(7200),
    });
    assert.equal(result.code, 1, result.stderr);
    assert.match(
      result.stderr,
      /^StoreError: Cannot write the file keyring .*: it is not UTF-8 text \(an entry holds other bytes\)/,
    );
    assert.deepEqual(await Deno.readFile(`${dir}/keyring`), bytes);
  }
});
