import assert from "node:assert/strict";
import { LockFileError, withFileLock } from "./lock.ts";
import { fail, Failed, lockFailure } from "../tests/lock_support.ts";

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

Deno.test("withFileLock stamps the lock file when it takes the lock (progress for waiters)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/data.lock`;
    await Deno.writeTextFile(path, "");
    await Deno.utime(path, 1_000_000, 1_000_000);
    await withFileLock(path, () => Promise.resolve(), { fail });
    assert.ok(Math.abs(Deno.statSync(path).mtime!.getTime() - Date.now()) < 60_000);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name:
    "withFileLock: a symbolic link at the lock path is refused, dangling or not, and its target left alone",
  ignore: Deno.build.os === "windows",
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const path = `${dir}/data.lock`;
      await Deno.symlink(`${dir}/missing/x`, path);
      const dangling = await lockFailure(path);
      assert.ok(dangling instanceof LockFileError);
      assert.equal(
        dangling.message,
        `the lock file ${path} is a symbolic link to ${dir}/missing/x, which does not exist; a lock file must be a regular file: remove the link`,
      );
      await Deno.remove(path);
      const target = `${dir}/target`;
      await Deno.writeTextFile(target, "keep");
      await Deno.utime(target, 1_000_000, 1_000_000);
      await Deno.symlink(target, path);
      const linked = await lockFailure(path);
      assert.ok(linked instanceof LockFileError);
      assert.match(linked.message, /is a symbolic link to .*target; a lock file must be/);
      assert.equal(Deno.statSync(target).mtime?.getTime(), 1_000_000_000);
      assert.equal(Deno.readTextFileSync(target), "keep");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
