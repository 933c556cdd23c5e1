/**
 * How `withFileLock` waits for a lock another holder has (real OS locks, real time): a bounded
 * wait without progress, a longer one while the lock changes hands, and never a hang on a FIFO
 * at the lock path (made with `mkfifo`). What needs no waiting is tested beside the code
 * (src/lock_test.ts).
 * @module
 */
import assert from "node:assert/strict";
import { LockFileError, withFileLock } from "../src/lock.ts";
import { abandonedRequestEnded, fail, Failed, lockFailure } from "./lock_support.ts";

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
    await abandonedRequestEnded(path);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("withFileLock keeps waiting past the bound while the lock file shows progress", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/data.lock`;
  const holder = await Deno.open(path, { create: true, write: true });
  // As brief holders taking the lock in turn do: the stamp changes every 100 ms, for 1 s.
  const stamper = setInterval(() => Deno.utimeSync(path, new Date(), new Date()), 100);
  try {
    await holder.lock(true);
    setTimeout(() => {
      clearInterval(stamper);
      holder.close();
    }, 1000);
    const started = Date.now();
    const result = await withFileLock(path, () => Promise.resolve("mine"), {
      fail,
      timeoutMs: 400,
    });
    assert.equal(result, "mine");
    assert.ok(Date.now() - started >= 900);
  } finally {
    clearInterval(stamper);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("withFileLock gives up after its whole bound even while the lock changes hands", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/data.lock`;
  const holder = await Deno.open(path, { create: true, write: true });
  const stamper = setInterval(() => Deno.utimeSync(path, new Date(), new Date()), 20);
  try {
    await holder.lock(true);
    await assert.rejects(
      () => withFileLock(path, () => Promise.resolve(), { fail, timeoutMs: 200, maxWaitMs: 400 }),
      (err) => err instanceof Failed && /kept the lock .* for 0\.4 s/.test(err.message),
    );
  } finally {
    clearInterval(stamper);
    holder.close(); // Closing lets go of the lock (FsFile.unlock fails under Wine, see above).
    await abandonedRequestEnded(path);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "withFileLock: a FIFO at the lock path is a clear error at once, not a hang",
  ignore: Deno.build.os === "windows",
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const path = `${dir}/data.lock`;
      const mkfifo = await new Deno.Command("mkfifo", { args: [path] }).output();
      assert.ok(mkfifo.success);
      const started = Date.now();
      const cause = await lockFailure(path);
      assert.ok(cause instanceof LockFileError);
      assert.equal(cause.message, `the lock file ${path} is a FIFO, not a regular file; remove it`);
      assert.ok(Date.now() - started < 2000);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
