/**
 * The context's door to helper programs (`denoContext().spawn`), with real programs: output
 * and stdin, and the time limit that kills a helper even when its child holds the pipes.
 * @module
 */
import assert from "node:assert/strict";
import { denoContext, SpawnTimeoutError } from "../src/context.ts";

Deno.test("a helper program is killed at its time limit, even when its child holds the pipes", async () => {
  const started = Date.now();
  await assert.rejects(
    () => denoContext().spawn("sh", ["-c", "sleep 30 & sleep 30"], { timeoutMs: 300 }),
    SpawnTimeoutError,
  );
  assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`);
});

Deno.test("a helper program's output is collected, and stdin reaches it", async () => {
  const result = await denoContext().spawn("sh", ["-c", "cat; echo err >&2; exit 3"], {
    stdin: "secret-on-stdin",
    timeoutMs: 10_000,
  });
  assert.deepEqual(result, { code: 3, stdout: "secret-on-stdin", stderr: "err\n" });
});
