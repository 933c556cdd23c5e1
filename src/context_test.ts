import assert from "node:assert/strict";
import {
  denoContext,
  homeFromEnv,
  InputTooLargeError,
  MAX_INPUT_BYTES,
  MAX_LINE_BYTES,
  RunCache,
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

Deno.test("RunCache makes each value once, on first use, and keeps it for the run", () => {
  const cache = new RunCache();
  let made = 0;
  const make = () => ({ n: ++made });
  const first = cache.get("a", make);
  assert.equal(cache.get("a", make), first);
  assert.notEqual(cache.get("b", make), first);
  assert.equal(made, 2);
  assert.notEqual(new RunCache().get("a", make), first);
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
