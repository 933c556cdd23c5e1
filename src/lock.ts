/**
 * An exclusive lock between processes (`Deno.FsFile.lock`: flock on Unix, LockFileEx on
 * Windows) on a lock file beside the data it guards, held around a read-modify-write
 * so that concurrent processes lose no update.
 *
 * Waiting is bounded by progress, not by a fixed time: each holder stamps the lock
 * file's modification time when it takes the lock, and a waiter keeps waiting while
 * the stamp changes (many brief holders in turn), giving up after `LOCK_TIMEOUT_MS`
 * without a change (one holder that does not let go) or `LOCK_MAX_WAIT_MS` in all.
 *
 * The lock file must be a regular file: a FIFO, device, folder or symbolic link at its
 * path is refused with a `LockFileError` (a FIFO would block the open forever; a link
 * would make this process create or stamp a file somewhere else).
 * @module
 */

/** How long a waiter waits while no other process takes the lock (no progress). */
export const LOCK_TIMEOUT_MS = 10_000;

/** How long a waiter waits in all, however many other processes take the lock in turn. */
export const LOCK_MAX_WAIT_MS = 5 * 60_000;

/** Progress checks start this often and back off to `MAX_POLL_MS` while nothing changes. */
const FIRST_POLL_MS = 25;
const MAX_POLL_MS = 500;

/** How to lock and how to report a failure. */
export interface LockOptions {
  /**
   * The caller's error for a lock file that cannot be opened (the cause may be a
   * `LockFileError`) or a lock not granted in time (a `LockTimeoutError`).
   */
  fail(cause: unknown): Error;
  /** Gives up after this long without progress; default `LOCK_TIMEOUT_MS`. */
  timeoutMs?: number;
  /** Gives up after this long in all; default `LOCK_MAX_WAIT_MS`. */
  maxWaitMs?: number;
}

/** A lock path that is not a regular file (a FIFO, a device, a folder, a symbolic link). */
export class LockFileError extends Error {
  override name = "LockFileError";
}

/** The lock was not granted in time. */
export class LockTimeoutError extends Error {
  override name = "LockTimeoutError";
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
    file = await openLockFile(lockPath);
  } catch (err) {
    throw options.fail(err);
  }
  try {
    await lockWithin(file, lockPath, {
      timeoutMs: options.timeoutMs ?? LOCK_TIMEOUT_MS,
      maxWaitMs: options.maxWaitMs ?? LOCK_MAX_WAIT_MS,
    }).catch((err) => {
      throw options.fail(err);
    });
    await stamp(file);
    return await action();
  } finally {
    file.close();
  }
}

/** What a path is, for messages: `a FIFO`. */
function kind(info: Deno.FileInfo): string {
  if (info.isDirectory) return "a folder";
  if (info.isSymlink) return "a symbolic link";
  if (info.isFifo) return "a FIFO";
  if (info.isSocket) return "a socket";
  if (info.isCharDevice || info.isBlockDevice) return "a device";
  return "not a regular file";
}

async function lstatOrNull(path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.lstat(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
}

/** Why `path`, which is there but not a regular file, cannot be a lock file. */
async function notALockFile(path: string, info: Deno.FileInfo): Promise<LockFileError> {
  if (info.isSymlink) {
    const target = await Deno.readLink(path).catch(() => "?");
    const dangling = (await Deno.stat(path).then(() => false, () => true))
      ? ", which does not exist"
      : "";
    return new LockFileError(
      `the lock file ${path} is a symbolic link to ${target}${dangling}; a lock file must be a regular file: remove the link`,
    );
  }
  return new LockFileError(
    `the lock file ${path} is ${kind(info)}, not a regular file; remove it`,
  );
}

/**
 * Opens (or creates, 0600) the lock file, refusing anything but a regular file. The
 * check before the open keeps links and FIFOs out; the open is read-write, which never
 * blocks on a FIFO swapped in meanwhile; the check after it makes sure the file opened
 * is the regular file now at the path.
 */
async function openLockFile(path: string): Promise<Deno.FsFile> {
  const before = await lstatOrNull(path);
  if (before !== null && !before.isFile) throw await notALockFile(path, before);
  const file = await Deno.open(path, { read: true, write: true, create: true, mode: 0o600 });
  try {
    const opened = await file.stat();
    if (!opened.isFile) throw await notALockFile(path, opened);
    const now = await lstatOrNull(path);
    const same = now !== null && now.isFile &&
      (opened.ino === null || (now.ino === opened.ino && now.dev === opened.dev));
    if (!same) throw new LockFileError(`the lock file ${path} was replaced while it was opened`);
  } catch (err) {
    file.close();
    throw err;
  }
  return file;
}

/**
 * Marks the lock as taken (progress, for the waiters): the modification time, else
 * (a file of another owner, which may not get explicit times) a truncation, which the
 * kernel stamps. Best effort: waiters then only see less progress.
 */
async function stamp(file: Deno.FsFile): Promise<void> {
  const now = new Date();
  try {
    await file.utime(now, now);
  } catch {
    await file.truncate(0).catch(() => {});
  }
}

/** What changes when another process takes the lock: the file, or its stamp. */
function progressMark(lockPath: string): string {
  try {
    const info = Deno.statSync(lockPath);
    return `${info.ino}:${info.mtime?.getTime()}:${info.ctime?.getTime()}`;
  } catch {
    return "";
  }
}

/** Waits for the lock while other processes make progress with it (see the module). */
async function lockWithin(
  file: Deno.FsFile,
  lockPath: string,
  limits: { timeoutMs: number; maxWaitMs: number },
): Promise<void> {
  let granted = false;
  const locked = file.lock(true).then(() => {
    granted = true;
  });
  // After a timeout the file is closed; the pending request ends, unseen, when the
  // other process lets go (the CLI has exited by then).
  locked.catch(() => {});
  const started = Date.now();
  let lastProgress = started;
  let mark = progressMark(lockPath);
  let delay = FIRST_POLL_MS;
  for (;;) {
    const wait = Math.min(delay, limits.timeoutMs - (Date.now() - lastProgress));
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      locked,
      new Promise<void>((resolve) => timer = setTimeout(resolve, Math.max(0, wait))),
    ]);
    clearTimeout(timer);
    if (granted) return;
    const now = Date.now();
    const current = progressMark(lockPath);
    if (current !== mark) {
      mark = current;
      lastProgress = now;
      delay = FIRST_POLL_MS;
    } else {
      delay = Math.min(delay * 2, MAX_POLL_MS);
    }
    if (now - lastProgress >= limits.timeoutMs) {
      throw new LockTimeoutError(
        `another process held the lock ${lockPath} for ${limits.timeoutMs / 1000} s`,
      );
    }
    if (now - started >= limits.maxWaitMs) {
      throw new LockTimeoutError(
        `other processes kept the lock ${lockPath} for ${limits.maxWaitMs / 1000} s`,
      );
    }
  }
}
