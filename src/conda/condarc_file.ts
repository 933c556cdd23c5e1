/**
 * The `.condarc` files this project edits (A9, A16): where they are (`~/.condarc`, the
 * active environment's, the base environment's, or any file), and one locked
 * read-modify-write per change: a bounded read, a parse that refuses malformed YAML
 * (the file untouched), a timestamped 0600 backup beside it, then an atomic write that
 * keeps the file's mode (0644 for a new file: a `.condarc` holds no secret; the token
 * lives in conda's token file). A symbolic link is followed, not replaced; a read-only
 * file is refused, as conda refuses it.
 * @module
 */
import type { Context } from "../context.ts";
import { backupFile } from "../backups.ts";
import {
  assertWritable,
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

/** How many backups of a `.condarc` are kept beside it. */
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

function backupNaming(path: string) {
  const prefix = `${baseName(path)}.backup.`;
  return {
    name: (stamp: string) => `${prefix}${stamp}`,
    matches: (name: string) =>
      name.startsWith(prefix) && /^\d{8}_\d{6}_\d{6}$/.test(name.slice(prefix.length)),
    keep: CONDARC_BACKUPS_KEPT,
  };
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
 * `path`, holding `<path>.lock` from the read to the write so that concurrent changes
 * are not lost. Nothing is written (and no backup made) when nothing changes.
 */
export async function updateCondarc(
  path: string,
  plan: (current: Condarc) => CondarcEdit[],
  nowMs: number,
): Promise<CondarcUpdate> {
  const target = await writeTarget(path);
  const dir = dirName(target);
  try {
    await Deno.mkdir(dir, { recursive: true });
  } catch (err) {
    throw new CondarcError(`Cannot create the folder ${dir}: ${errorMessage(err)}`, { cause: err });
  }
  return await withFileLock(`${target}.lock`, async () => {
    await removeStaleTempFiles(target);
    const current = await readCondarc(target);
    const text = applyCondarcEdits(current, plan(current));
    if (text === current.text) return { path: target, changed: false, backup: null };
    let mode = 0o644;
    let backup: string | null = null;
    try {
      if (current.exists) {
        await assertWritable(target);
        mode = ((await Deno.stat(target)).mode ?? 0o644) & 0o777;
        backup = await backupFile(target, nowMs, backupNaming(target));
      }
      await writeFileAtomic(target, text, { mode });
    } catch (err) {
      throw new CondarcError(`Cannot write ${target}: ${errorMessage(err)}`, { cause: err });
    }
    return { path: target, changed: true, backup };
  }, {
    fail: (err) => new CondarcError(`Cannot write ${target}: ${errorMessage(err)}`, { cause: err }),
  });
}
