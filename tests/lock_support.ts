/**
 * What the tests of `withFileLock` share: a caller's error type and the cause the lock
 * hands to it, and a wait for a lock request that `withFileLock` gave up on to end.
 * @module
 */
import assert from "node:assert/strict";
import { withFileLock } from "../src/lock.ts";

/** The caller's error that `withFileLock` builds through `fail`. */
export class Failed extends Error {}

/** A `fail` option that keeps the cause's message. */
export const fail = (cause: unknown): Failed =>
  new Failed(cause instanceof Error ? cause.message : "?");

/** The cause `withFileLock` hands to `fail` for a lock at `path`. */
export async function lockFailure(path: string): Promise<unknown> {
  let cause: unknown;
  await assert.rejects(() =>
    withFileLock(path, () => Promise.resolve(), {
      fail: (err) => {
        cause = err;
        return new Failed("");
      },
      timeoutMs: 2000,
    })
  );
  return cause;
}

/**
 * Waits until the lock request that `withFileLock` left pending when it gave up has been
 * granted and has ended (its file closed), so that the test leaves no operation behind:
 * on Linux, until /proc/locks lists no lock or waiter on the file; elsewhere, until the
 * file can be removed (Windows keeps a file that is open).
 */
export async function abandonedRequestEnded(path: string): Promise<void> {
  const { ino } = await Deno.stat(path);
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (Deno.build.os === "linux") {
      const locks = await Deno.readTextFile("/proc/locks");
      if (!locks.split("\n").some((line) => line.includes(`:${ino} `))) return;
    } else {
      try {
        return await Deno.remove(path);
      } catch (err) {
        if (!(err instanceof Deno.errors.PermissionDenied) && !(err instanceof Deno.errors.Busy)) {
          throw err;
        }
      }
    }
    assert.ok(Date.now() < deadline, `the abandoned lock request on ${path} did not end`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
