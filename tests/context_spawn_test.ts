/**
 * The context's door to helper programs (`denoContext().spawn`), with real programs: output
 * and stdin, and the time limit that kills a helper even when its child holds the pipes.
 * @module
 */
import assert from "node:assert/strict";
import { denoContext, SpawnTimeoutError } from "../src/context.ts";

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
