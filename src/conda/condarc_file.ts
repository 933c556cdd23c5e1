/**
 * The `.condarc` files this project edits (D51, D52): where they are (`~/.condarc`, the active
 * environment's, the base environment's, or any file), and one locked read-modify-write per
 * change: a bounded read, a parse that refuses malformed YAML (the file untouched), a
 * timestamped 0600 backup, then an atomic write that keeps the file's mode (0644 for a new
 * file: a `.condarc` holds no secret; the token lives in conda's token file). A symbolic link
 * is followed, not replaced; a read-only file is refused, as conda refuses it.
 *
 * Backups and locks stay out of the folders conda and the user look in: they go to
 * `~/.anaconda/backups` and `~/.anaconda/locks` (0700), named after a hash of the
 * file's real path, so that every process of this user that edits one file locks the
 * same lock file.
 * @module
 */
import type { Context } from "../context.ts";
import { backupFile } from "../backups.ts";
import {
  assertWritable,
  pathExists,
  readTextBounded,
  removeStaleTempFiles,
  writeFileAtomic,
} from "../files.ts";
import { withFileLock } from "../lock.ts";
import { baseName, dirName, expandHome, isAbsolute, joinPath } from "../path.ts";
import { condaBasePrefix } from "./conda_command.ts";
import {
  applyCondarcEdits,
  type Condarc,
  type CondarcEdit,
  MAX_CONDARC_BYTES,
  parseCondarc,
} from "./condarc_edit.ts";
import { CondarcError } from "./errors.ts";
import { errorMessage } from "../errors.ts";

/** Which `.condarc`: the user's (default), the system's, the active environment's, or a file. */
export type CondarcLocation =
  | { kind: "user" }
  | { kind: "system" }
  | { kind: "env" }
  | { kind: "file"; path: string };

/** How many backups of a `.condarc` are kept. */
export const CONDARC_BACKUPS_KEPT = 5;

/** The path of the `.condarc` at `location`; a location that cannot be found is an error. */
export async function condarcPath(context: Context, location: CondarcLocation): Promise<string> {
  switch (location.kind) {
    case "user":
      return joinPath(context.homeDir(), ".condarc");
    case "env": {
      // As `conda config --env`: without an active environment, the user's file.
      const prefix = context.env.get("CONDA_PREFIX");
      return joinPath(prefix ? prefix : context.homeDir(), ".condarc");
    }
    case "system": {
      const base = await condaBasePrefix(context);
      if (base === null) {
        throw new CondarcError(
          "Cannot find conda's base environment for --system (no CONDA_ROOT, CONDA_EXE or conda on PATH); pass --file <path>",
        );
      }
      return joinPath(base, ".condarc");
    }
    case "file": {
      const path = expandHome(location.path, context.homeDir());
      return isAbsolute(path) ? path : joinPath(context.cwd(), path);
    }
  }
}

/** Reads and parses a `.condarc`; a missing file is an empty one. */
export async function readCondarc(path: string): Promise<Condarc & { exists: boolean }> {
  let text: string | null;
  try {
    text = await readTextBounded(path, MAX_CONDARC_BYTES, { strictUtf8: true });
  } catch (err) {
    throw new CondarcError(`Cannot read ${path}: ${errorMessage(err)}`, { cause: err });
  }
  return { ...parseCondarc(text ?? "", path), exists: text !== null };
}

/** The file a write of `path` must replace: the target of a symbolic link. */
async function writeTarget(path: string): Promise<string> {
  try {
    return (await Deno.lstat(path)).isSymlink ? await Deno.realPath(path) : path;
  } catch {
    return path;
  }
}

/** `~/.anaconda/<name>`, created 0700 when missing; a link or a file there is refused. */
async function privateFolder(context: Pick<Context, "homeDir">, name: string): Promise<string> {
  const folder = joinPath(context.homeDir(), ".anaconda", name);
  await Deno.mkdir(folder, { recursive: true, mode: 0o700 });
  const info = await Deno.lstat(folder);
  if (!info.isDirectory) throw new Error(`${folder} is not a folder`);
  // Ours alone: a folder someone made readable to others is closed again.
  if (info.mode !== null && (info.mode & 0o077) !== 0) {
    await Deno.chmod(folder, 0o700).catch(() => {});
  }
  return folder;
}

/** The real path of a file to be written (its folder exists): one name per file. */
async function canonicalPath(target: string): Promise<string> {
  return joinPath(await Deno.realPath(dirName(target)), baseName(target));
}

/** SHA-256 of `text`, in hex. */
async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0"))
    .join("");
}

/**
 * The lock file of the `.condarc` at `target` (whose folder exists):
 * `~/.anaconda/locks/<sha256 of its real path>.lock`.
 */
export async function condarcLockPath(
  context: Pick<Context, "homeDir">,
  target: string,
): Promise<string> {
  const locks = await privateFolder(context, "locks");
  return joinPath(locks, `${await sha256Hex(await canonicalPath(target))}.lock`);
}

/** `condarc.<hash>.backup.<stamp>` in `~/.anaconda/backups`: no hidden names there. */
function backupNaming(target: string, hash: string) {
  const prefix = `${baseName(target).replace(/^\.+/, "") || "condarc"}.${
    hash.slice(0, 12)
  }.backup.`;
  return {
    name: (stamp: string) => `${prefix}${stamp}`,
    matches: (name: string) =>
      name.startsWith(prefix) && /^\d{8}_\d{6}_\d{6}$/.test(name.slice(prefix.length)),
    keep: CONDARC_BACKUPS_KEPT,
  };
}

/**
 * Moves what earlier versions left beside the file into `~/.anaconda`: its
 * `<name>.backup.<stamp>` files go to the backups folder (stamp kept), an empty
 * `<name>.lock` goes away. Best effort: whatever cannot move stays where it is.
 */
async function tidyBeside(
  target: string,
  backups: string,
  naming: ReturnType<typeof backupNaming>,
): Promise<void> {
  const oldPrefix = `${baseName(target)}.backup.`;
  try {
    const oldLock = await Deno.lstat(`${target}.lock`);
    if (oldLock.isFile && oldLock.size === 0) await Deno.remove(`${target}.lock`);
  } catch { /* none, or not ours to remove */ }
  try {
    for await (const entry of Deno.readDir(dirName(target))) {
      const stamp = entry.name.slice(oldPrefix.length);
      if (!entry.isFile || !entry.name.startsWith(oldPrefix)) continue;
      if (!/^\d{8}_\d{6}_\d{6}$/.test(stamp)) continue;
      const moved = joinPath(backups, naming.name(stamp));
      if (await pathExists(moved)) continue;
      await Deno.rename(joinPath(dirName(target), entry.name), moved).catch(() => {});
    }
  } catch { /* the folder cannot be listed: nothing to tidy */ }
}

/** What `updateCondarc` did. */
export interface CondarcUpdate {
  /** The file written (a link's target). */
  path: string;
  changed: boolean;
  /** The copy of the old file, when there was one and it changed. */
  backup: string | null;
}

/**
 * Applies the edits that `plan` returns for the current content of the `.condarc` at
 * `path`, holding its lock (see `condarcLockPath`) from the read to the write so that
 * concurrent changes are not lost. Nothing is written (and no backup made) when nothing
 * changes.
 */
export async function updateCondarc(
  context: Pick<Context, "homeDir" | "clock">,
  path: string,
  plan: (current: Condarc) => CondarcEdit[],
): Promise<CondarcUpdate> {
  const target = await writeTarget(path);
  const dir = dirName(target);
  try {
    await Deno.mkdir(dir, { recursive: true });
  } catch (err) {
    throw new CondarcError(`Cannot create the folder ${dir}: ${errorMessage(err)}`, { cause: err });
  }
  const cannotWrite = (err: unknown) =>
    new CondarcError(`Cannot write ${target}: ${errorMessage(err)}`, { cause: err });
  let lockPath: string;
  let hash: string;
  try {
    hash = await sha256Hex(await canonicalPath(target));
    lockPath = await condarcLockPath(context, target);
  } catch (err) {
    throw cannotWrite(err);
  }
  return await withFileLock(lockPath, async () => {
    await removeStaleTempFiles(target);
    const current = await readCondarc(target);
    const text = applyCondarcEdits(current, plan(current));
    if (text === current.text) return { path: target, changed: false, backup: null };
    let mode = 0o644;
    let backup: string | null = null;
    try {
      const naming = backupNaming(target, hash);
      const backups = await privateFolder(context, "backups");
      await tidyBeside(target, backups, naming);
      if (current.exists) {
        await assertWritable(target);
        mode = ((await Deno.stat(target)).mode ?? 0o644) & 0o777;
        backup = await backupFile(target, context.clock.now(), naming, backups);
      }
      await writeFileAtomic(target, text, { mode });
    } catch (err) {
      throw cannotWrite(err);
    }
    return { path: target, changed: true, backup };
  }, { fail: cannotWrite });
}
