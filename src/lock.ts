/**
 * An exclusive lock between processes (`Deno.FsFile.lock`: flock on Unix, LockFileEx on
 * Windows) on a lock file beside the data it guards, held around a read-modify-write
 * so that concurrent processes lose no update. Waiting is bounded.
 * @module
 */

/** How long to wait for another process to release the lock. */
export const LOCK_TIMEOUT_MS = 10_000;

export interface LockOptions {
  /** The caller's error for a lock file that cannot be opened or a lock not granted in time. */
  fail(cause: unknown): Error;
  timeoutMs?: number;
}

/**
 * Runs `action` while holding an exclusive lock on `lockPath` (created with mode 0600
 * when missing; its folder must exist). The lock file stays: removing it would let two
 * processes lock two different files.
 */
export async function withFileLock<T>(
  lockPath: string,
  action: () => Promise<T>,
  options: LockOptions,
): Promise<T> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(lockPath, { create: true, write: true, mode: 0o600 });
  } catch (err) {
    throw options.fail(err);
  }
  try {
    await lockWithin(file, lockPath, options.timeoutMs ?? LOCK_TIMEOUT_MS).catch((err) => {
      throw options.fail(err);
    });
    return await action();
  } finally {
    file.close();
  }
}

async function lockWithin(file: Deno.FsFile, lockPath: string, timeoutMs: number): Promise<void> {
  const locked = file.lock(true);
  // After a timeout the file is closed; the pending request ends, unseen, when the
  // other process lets go (the CLI has exited by then).
  locked.catch(() => {});
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`another process held the lock ${lockPath} for ${timeoutMs / 1000} s`));
    }, timeoutMs);
  });
  try {
    await Promise.race([locked, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
