/**
 * conda's token files (docs/behaviour.md, "conda token files"), the way conda and
 * anaconda-client keep them: one file per URL, named `quote_plus(url, safe="") + ".token"`,
 * holding the raw token with no newline, mode 0600, in `$BINSTAR_CONFIG_DIR/data` or the per-OS
 * user config folder of `binstar`. Written atomically, so a reader never sees half a token.
 * Every write and removal holds the folder's lock (`.tokens.lock`, which conda's `*.token`
 * reader ignores) and first removes the temporary files of killed writers: they hold tokens.
 * @module
 */
import type { Context } from "../context.ts";
import { errorMessage, StoreError } from "../errors.ts";
import {
  pathExists,
  readTextBoundedSync,
  removeStaleTempFilesIn,
  tempFilesIn,
  writeFileAtomic,
} from "../files.ts";
import { joinPath } from "../path.ts";

/** A token file is a few hundred bytes; anything bigger is not one. */
const MAX_TOKEN_BYTES = 64 * 1024;

const UNRESERVED = /[A-Za-z0-9_.~-]/;

/** Python's `urllib.parse.quote_plus(text, safe="")`: UTF-8, `%XX` upper case, space as `+`. */
export function quotePlus(text: string): string {
  let out = "";
  for (const byte of new TextEncoder().encode(text)) {
    const char = String.fromCharCode(byte);
    out += byte === 0x20
      ? "+"
      : byte < 0x80 && UNRESERVED.test(char)
      ? char
      : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** Python's `unquote_plus`: `+` is a space, `%XX` bytes decoded as UTF-8 (bad ones kept). */
export function unquotePlus(text: string): string {
  const spaced = text.replaceAll("+", " ");
  return spaced.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    const bytes = new Uint8Array(run.length / 3);
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(run.slice(i * 3 + 1, i * 3 + 3), 16);
    return new TextDecoder().decode(bytes);
  });
}

/** The folder of conda's token files for this user (platformdirs' `user_config_dir`). */
export function tokenDirectory(
  context: { env: Pick<Context["env"], "get"> } & Pick<Context, "os" | "homeDir">,
): string {
  const configured = context.env.get("BINSTAR_CONFIG_DIR");
  if (configured) return joinPath(configured, "data");
  const home = context.homeDir();
  switch (context.os) {
    case "darwin":
      return joinPath(home, "Library", "Application Support", "binstar");
    case "windows":
      return joinPath(
        context.env.get("LOCALAPPDATA") ?? joinPath(home, "AppData", "Local"),
        "ContinuumIO",
        "binstar",
      );
    default:
      return joinPath(context.env.get("XDG_CONFIG_HOME") || joinPath(home, ".config"), "binstar");
  }
}

/** The token file of `url` in `dir`. */
export function tokenFilePath(dir: string, url: string): string {
  return joinPath(dir, `${quotePlus(url)}.token`);
}

const isTokenFile = (name: string) => name.endsWith(".token");

/** The lock file of a token folder. */
export const TOKEN_FOLDER_LOCK = ".tokens.lock";

/**
 * Runs `action` holding the lock of the token folder `dir` (which must exist), after
 * removing what killed writers left there: under the lock no writer is mid-write.
 */
async function withTokenFolder<T>(dir: string, action: () => Promise<T>): Promise<T> {
  // Loaded by writers only: `token list` reads the files without a lock.
  const { withFileLock } = await import("../lock.ts");
  return await withFileLock(joinPath(dir, TOKEN_FOLDER_LOCK), async () => {
    await removeStaleTempFilesIn(dir, isTokenFile);
    return await action();
  }, {
    fail: (cause) =>
      new StoreError(`Cannot lock the conda token folder ${dir}: ${errorMessage(cause)}`, {
        cause,
      }),
  });
}

/** Stores `token` for `url` (replacing any old one), readable by the user only. */
export async function setTokenFile(dir: string, url: string, token: string): Promise<string> {
  const path = tokenFilePath(dir, url);
  try {
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new StoreError(`Cannot write the conda token file ${path}: ${errorMessage(err)}`, {
      cause: err,
    });
  }
  await withTokenFolder(dir, async () => {
    try {
      await writeFileAtomic(path, token, { mode: 0o600 });
    } catch (err) {
      throw new StoreError(`Cannot write the conda token file ${path}: ${errorMessage(err)}`, {
        cause: err,
      });
    }
  });
  return path;
}

/** Removes the token file of `url`; false when there was none. */
export async function removeTokenFile(dir: string, url: string): Promise<boolean> {
  const path = tokenFilePath(dir, url);
  // Nothing to remove (no file, no leftover): no lock, so no lock file made for nothing.
  const leftovers = await tempFilesIn(dir, isTokenFile);
  if (leftovers.length === 0 && !(await pathExists(path).catch(() => true))) return false;
  return await withTokenFolder(dir, async () => {
    try {
      await Deno.remove(path);
      return true;
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return false;
      throw new StoreError(`Cannot remove the conda token file ${path}: ${errorMessage(err)}`, {
        cause: err,
      });
    }
  });
}

/** One stored token: the URL it is for and the token. */
export interface TokenFile {
  url: string;
  token: string;
}

/**
 * Every `*.token` file of `dir` (none when the folder is missing), as conda reads them.
 * Files that cannot be read, or are too big to be a token, are skipped.
 */
export function readTokenFiles(dir: string): Promise<TokenFile[]> {
  // Synchronous: `token list` is a hot command, and Deno's first asynchronous file call
  // starts a thread pool (a few milliseconds) for a folder that is usually tiny or absent.
  return Promise.resolve().then(() => readTokenFilesSync(dir));
}

function readTokenFilesSync(dir: string): TokenFile[] {
  const found: TokenFile[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = Array.from(Deno.readDirSync(dir));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory) return [];
    throw new StoreError(`Cannot read the conda token folder ${dir}: ${errorMessage(err)}`, {
      cause: err,
    });
  }
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (!entry.isFile || !entry.name.endsWith(".token")) continue;
    try {
      const token = readTextBoundedSync(joinPath(dir, entry.name), MAX_TOKEN_BYTES);
      if (token !== null) found.push({ url: unquotePlus(entry.name.slice(0, -6)), token });
    } catch {
      // Not ours to judge: conda would fail on it too; list the rest.
    }
  }
  return found;
}
