/**
 * Files that are not what they should be: a FIFO (which would block a reader forever),
 * a `.condarc` that is not UTF-8 (which a rewrite must not mangle). Each is one clear
 * error, quickly, and the file is left as it was.
 * @module
 */
import assert from "node:assert/strict";
import { runCli, runProgram, tempHome } from "./support.ts";

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
