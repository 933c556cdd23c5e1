/**
 * File primitives every writer of this project shares: a bounded read, an atomic
 * write (a temporary file in the same folder, then a rename, so a kill at any moment
 * leaves the old content or the new), and the clean-up of temporary files that a
 * killed writer left behind. Errors are Deno's; callers wrap them in their own.
 * @module
 */
import { baseName, dirName, joinPath } from "./path.ts";

/** How text files are read. */
export interface TextReadOptions {
  /**
   * Refuse bytes that are not UTF-8 (a file this project rewrites must not have them
   * replaced by U+FFFD); otherwise they are replaced.
   */
  strictUtf8?: boolean;
}

/** A path that is a folder, FIFO or device where a file was expected. */
export class NotAFileError extends Error {
  override name = "NotAFileError";
}

/** A file that is not UTF-8 text. */
export class NotUtf8Error extends Error {
  override name = "NotUtf8Error";
}

/** A file bigger than the caller's bound. */
export class FileTooLargeError extends Error {
  override name = "FileTooLargeError";
}

/** Whether anything (a file, a folder, a dangling link) is at `path`. */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

/**
 * The text of a regular file that was no bigger than the bound when checked, in one call
 * that Deno decodes: no file handle and no `TextDecoder`, whose first use costs about
 * 0.7 ms and 3 MiB on the hot commands (they read the file keyring). Undefined when that
 * text may differ from a `TextDecoder`'s (a replacement character, a byte order mark) or
 * the read failed: the caller then reads it as before, with the same result or error.
 */
function readSmallText(path: string): string | undefined {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch {
    return undefined;
  }
  return text.startsWith("\uFEFF") || text.includes("\uFFFD") ? undefined : text;
}

/**
 * The text of `path`, or null when it does not exist; refuses more than `maxBytes`.
 * Synchronous on purpose: a CLI waits for it anyway, and Deno's async file operations
 * start a pool of threads that costs start-up time and memory on every hot command.
 */
export function readTextBoundedSync(
  path: string,
  maxBytes: number,
  options: TextReadOptions = {},
): string | null {
  // Only regular files: opening a FIFO would wait for a writer forever, a device never end.
  let info: Deno.FileInfo | undefined;
  try {
    info = Deno.statSync(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    // Other failures (no permission, a file in the path) are reported by the open below.
  }
  if (info && !info.isFile) throw new NotAFileError(`it is not a regular file`);
  if (info && info.size <= maxBytes) {
    const text = readSmallText(path);
    if (text !== undefined && text.length <= maxBytes) return text;
  }
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(path, { read: true });
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
  try {
    const chunks: Uint8Array[] = [];
    let length = 0;
    const chunk = new Uint8Array(16 * 1024);
    for (let read = file.readSync(chunk); read !== null; read = file.readSync(chunk)) {
      length += read;
      if (length > maxBytes) throw new FileTooLargeError(`it is larger than ${maxBytes} bytes`);
      chunks.push(chunk.slice(0, read));
    }
    const bytes = new Uint8Array(length);
    let at = 0;
    for (const part of chunks) {
      bytes.set(part, at);
      at += part.length;
    }
    try {
      return new TextDecoder("utf-8", { fatal: options.strictUtf8 ?? false }).decode(bytes);
    } catch {
      throw new NotUtf8Error("it is not UTF-8 text");
    }
  } finally {
    file.close();
  }
}

/** `readTextBoundedSync` for async callers. */
export function readTextBounded(
  path: string,
  maxBytes: number,
  options: TextReadOptions = {},
): Promise<string | null> {
  try {
    return Promise.resolve(readTextBoundedSync(path, maxBytes, options));
  } catch (err) {
    return Promise.reject(err);
  }
}

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

/** `.<name>.<uuid>.tmp`, a temporary file of `writeFileAtomic` for the file `<name>`. */
const TEMP_NAME = new RegExp(`^\\.(.+)\\.${UUID}\\.tmp$`);

/**
 * Writes `text` to `path` atomically with `mode` (the temporary file is created with
 * it, so a secret is never readable by others, not even for a moment). The folder must
 * exist. A failed write removes its temporary file and leaves `path` as it was.
 */
export async function writeFileAtomic(
  path: string,
  text: string,
  options: { mode: number },
): Promise<void> {
  const temp = joinPath(dirName(path), `.${baseName(path)}.${crypto.randomUUID()}.tmp`);
  try {
    const file = await Deno.open(temp, { write: true, createNew: true, mode: options.mode });
    try {
      const bytes = new TextEncoder().encode(text);
      let written = 0;
      while (written < bytes.length) written += await file.write(bytes.subarray(written));
      await file.sync();
    } finally {
      file.close();
    }
    // The umask may have taken bits away from `mode`; never added any.
    if (Deno.build.os !== "windows") await Deno.chmod(temp, options.mode);
    await Deno.rename(temp, path);
  } catch (err) {
    await Deno.remove(temp).catch(() => {});
    throw err;
  }
}

/**
 * Removes the temporary files that writers of `path` left when they were killed before
 * their rename. Call it while holding the lock of `path`: then no writer of this
 * project is between its write and its rename, so every such file is left over.
 */
export async function removeStaleTempFiles(path: string): Promise<void> {
  const name = baseName(path);
  await removeStaleTempFilesIn(dirName(path), (target) => target === name);
}

/**
 * The temporary files (`.<name>.<uuid>.tmp`) in `folder` of writers of the files whose
 * names `matches` accepts; none when the folder cannot be read.
 */
export async function tempFilesIn(
  folder: string,
  matches: (name: string) => boolean,
): Promise<string[]> {
  const found: string[] = [];
  try {
    for await (const entry of Deno.readDir(folder)) {
      const target = TEMP_NAME.exec(entry.name)?.[1];
      if (entry.isFile && target !== undefined && matches(target)) {
        found.push(joinPath(folder, entry.name));
      }
    }
  } catch {
    // Best effort: the write itself reports a folder it cannot use.
  }
  return found;
}

/**
 * Removes the temporary files left by killed writers of the files of `folder` whose
 * names `matches` accepts. Call it while holding the lock that every writer of those
 * files holds (see `removeStaleTempFiles`).
 */
export async function removeStaleTempFilesIn(
  folder: string,
  matches: (name: string) => boolean,
): Promise<void> {
  for (const path of await tempFilesIn(folder, matches)) {
    await Deno.remove(path).catch(() => {});
  }
}

/** A file that this project may not, or must not, replace. */
export class ReadOnlyFileError extends Error {
  override name = "ReadOnlyFileError";
}

/**
 * Refuses to replace `path` when it is a regular file that is read-only: its owner may
 * not write it (no `u+w`: made read-only on purpose, which root, whom the kernel lets
 * write anything, respects too), or this process may not open it for writing (the
 * kernel's answer, as `conda` gets it: owner, groups, ACLs). Needed because an atomic
 * write renames over the file, which only the folder's permission governs. A missing
 * file or a symbolic link (which the rename replaces, leaving its target alone) passes.
 */
export async function assertWritable(path: string): Promise<void> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return;
    throw err;
  }
  if (!info.isFile) return;
  const mode = info.mode === null
    ? ""
    : ` (mode ${(info.mode & 0o777).toString(8).padStart(4, "0")})`;
  if (info.mode !== null && (info.mode & 0o200) === 0) {
    throw new ReadOnlyFileError(
      `it is read-only${mode}; make it writable (chmod u+w) to change it`,
    );
  }
  try {
    // Read-write: a FIFO swapped in meanwhile does not block it; nothing is truncated.
    (await Deno.open(path, { read: true, write: true })).close();
  } catch (err) {
    if (!(err instanceof Deno.errors.PermissionDenied)) throw err;
    throw new ReadOnlyFileError(`this user may not write it${mode}`);
  }
}
