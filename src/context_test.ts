import assert from "node:assert/strict";
import {
  denoContext,
  homeFromEnv,
  InputTooLargeError,
  MAX_INPUT_BYTES,
  MAX_LINE_BYTES,
  SpawnTimeoutError,
  streamInput,
} from "./context.ts";

/** A stream that hands out `text` in chunks of `size`. */
function chunked(text: string, size = 4096): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at += size));
    },
  });
}

Deno.test("stdin lines are handed out one by one, CRLF or LF, the last without a newline", async () => {
  const input = streamInput(chunked("yes\r\nno\nlast", 2), false);
  assert.equal(await input.readLine(), "yes");
  assert.equal(await input.readLine(), "no");
  assert.equal(await input.readLine(), "last");
  assert.equal(await input.readLine(), null);
});

Deno.test("stdin is bounded: a line over 64 KiB, or more than 1 MiB in all, is refused", async () => {
  const longLine = streamInput(chunked("x".repeat(MAX_LINE_BYTES + 10)), false);
  await assert.rejects(() => longLine.readLine(), InputTooLargeError);
  const tooMuch = streamInput(chunked("x\n".repeat(MAX_INPUT_BYTES)), false);
  await assert.rejects(() => tooMuch.readAll(), InputTooLargeError);
  const enough = streamInput(chunked("k".repeat(1000)), false);
  assert.equal((await enough.readAll()).length, 1000);
});

/** `deno eval CODE`: a helper program on every OS (no `sh` on Windows). */
const denoEval = (code: string): [string, string[]] => [Deno.execPath(), ["eval", code]];

Deno.test("a helper program is killed at its time limit, even when its child holds the pipes", async () => {
  // The child starts a grandchild that inherits its stdout and stderr, then both sleep.
  const grandchild = JSON.stringify(["eval", "setTimeout(() => {}, 30_000)"]);
  const [program, args] = denoEval(
    `new Deno.Command(Deno.execPath(), { args: ${grandchild}, stdout: "inherit", stderr: "inherit" }).spawn();
    setTimeout(() => {}, 30_000);`,
  );
  const started = Date.now();
  await assert.rejects(
    () => denoContext().spawn(program, args, { timeoutMs: 3_000 }),
    SpawnTimeoutError,
  );
  assert.ok(Date.now() - started < 15_000, `took ${Date.now() - started} ms`);
});

Deno.test("a helper program's output is collected, and stdin reaches it", async () => {
  const [program, args] = denoEval(
    `const input = await new Response(Deno.stdin.readable).text();
    await Deno.stdout.write(new TextEncoder().encode(input));
    console.error("err");
    Deno.exit(3);`,
  );
  const result = await denoContext().spawn(program, args, {
    stdin: "secret-on-stdin",
    timeoutMs: 60_000,
  });
  assert.deepEqual(result, { code: 3, stdout: "secret-on-stdin", stderr: "err\n" });
});

Deno.test("the home folder on Windows is USERPROFILE, then HOMEDRIVE+HOMEPATH, never HOME (as Python)", () => {
  const env = (vars: Record<string, string>) => (name: string) => vars[name];
  const all = {
    HOME: "/c/msys/home/u",
    USERPROFILE: "C:\\Users\\u",
    HOMEDRIVE: "D:",
    HOMEPATH: "\\h",
  };
  assert.equal(homeFromEnv("windows", env(all)), "C:\\Users\\u");
  const { USERPROFILE: _, ...noProfile } = all;
  assert.equal(homeFromEnv("windows", env(noProfile)), "D:\\h");
  assert.equal(homeFromEnv("windows", env({ HOMEPATH: "\\h" })), "\\h");
  assert.equal(homeFromEnv("windows", env({ HOMEDRIVE: "D:", HOMEPATH: "E:\\h" })), "E:\\h");
  assert.equal(homeFromEnv("windows", env({ HOME: "/c/msys/home/u" })), undefined);
  // Elsewhere HOME, as before.
  assert.equal(homeFromEnv("linux", env(all)), "/c/msys/home/u");
  assert.equal(homeFromEnv("darwin", env({ HOME: "/Users/u" })), "/Users/u");
});

Deno.test("the real context's home folder follows the platform's rule", () => {
  const expected = Deno.build.os === "windows"
    ? Deno.env.get("USERPROFILE") ?? `${Deno.env.get("HOMEDRIVE") ?? ""}${Deno.env.get("HOMEPATH")}`
    : Deno.env.get("HOME");
  assert.equal(denoContext().homeDir(), expected ?? Deno.cwd());
});
