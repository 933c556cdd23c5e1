import assert from "node:assert/strict";
import { withFileLock } from "./lock.ts";

class Failed extends Error {}
const fail = (cause: unknown) => new Failed(cause instanceof Error ? cause.message : "?");

Deno.test("withFileLock runs the action and leaves a 0600 lock file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/data.lock`;
    assert.equal(await withFileLock(path, () => Promise.resolve(42), { fail }), 42);
    if (Deno.build.os !== "windows") assert.equal(Deno.statSync(path).mode! & 0o777, 0o600);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("withFileLock waits a bounded time for a held lock, then fails with the caller's error", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/data.lock`;
  const holder = await Deno.open(path, { create: true, write: true });
  try {
    await holder.lock(true);
    const started = Date.now();
    let ran = false;
    await assert.rejects(
      () => withFileLock(path, () => Promise.resolve(void (ran = true)), { fail, timeoutMs: 200 }),
      (err) => err instanceof Failed && err.message.includes(`held the lock ${path}`),
    );
    assert.ok(Date.now() - started < 5000);
    assert.equal(ran, false);
  } finally {
    // Closing lets go of the lock. (FsFile.unlock would throw under Wine 8.0, which answers
    // the second UnlockFile of Rust's unlock with ERROR_LOCK_VIOLATION, not ERROR_NOT_LOCKED.)
    holder.close();
    // The abandoned request is granted now and ends; give it a moment to close.
    await new Promise((resolve) => setTimeout(resolve, 100));
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("withFileLock reports a lock file that cannot be opened through the caller's error", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/data.lock`);
    await assert.rejects(
      () => withFileLock(`${dir}/data.lock`, () => Promise.resolve(), { fail }),
      Failed,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
