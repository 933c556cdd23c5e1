/**
 * Timestamped backups of a file before it is changed (config.toml beside it, .condarc
 * in `~/.anaconda/backups`): a copy named by the caller around a
 * `YYYYmmdd_HHMMSS_ffffff` stamp, mode 0600 (the file may hold secrets), and only the
 * newest few kept. Errors are Deno's; callers wrap them.
 * @module
 */
import { pathExists } from "./files.ts";
import { dirName, joinPath } from "./path.ts";

const pad = (value: number, width = 2) => String(value).padStart(width, "0");

/** `YYYYmmdd_HHMMSS_ffffff` in local time (microseconds from the millisecond clock). */
export function backupStamp(ms: number, extraMicros = 0): string {
  const date = new Date(ms);
  return `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}_` +
    `${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}_` +
    pad(date.getMilliseconds() * 1000 + extraMicros, 6);
}

/** How a file's backups are named, and how many are kept. */
export interface BackupNaming {
  /** The backup's file name for a stamp: `config.backup.<stamp>.toml`. */
  name(stamp: string): string;
  /** Whether a file name in the folder is one of these backups (for pruning). */
  matches(name: string): boolean;
  /** How many backups are kept (the newest). */
  keep: number;
}

/**
 * Copies `path` to a backup in `dir` (default: beside it; the folder must exist), mode
 * 0600, named for `nowMs`, then deletes all but the newest `naming.keep` backups there.
 * Returns the backup's path.
 */
export async function backupFile(
  path: string,
  nowMs: number,
  naming: BackupNaming,
  dir: string = dirName(path),
): Promise<string> {
  // Two writes within one millisecond get consecutive microseconds, not one name.
  let micros = 0;
  let backup: string;
  do {
    backup = joinPath(dir, naming.name(backupStamp(nowMs, micros)));
    micros++;
  } while (micros < 1000 && await pathExists(backup));
  await copyToNewFile(path, backup);
  await pruneBackups(dir, naming);
  return backup;
}

/**
 * Copies `path` to `backup`, created 0600 (the umask may only take bits away) and only
 * when nothing is there: never written through a link someone put at its name.
 */
async function copyToNewFile(path: string, backup: string): Promise<void> {
  const source = await Deno.open(path, { read: true });
  try {
    const target = await Deno.open(backup, { write: true, createNew: true, mode: 0o600 });
    try {
      const chunk = new Uint8Array(64 * 1024);
      for (let read = await source.read(chunk); read !== null; read = await source.read(chunk)) {
        let written = 0;
        while (written < read) written += await target.write(chunk.subarray(written, read));
      }
    } catch (err) {
      target.close();
      await Deno.remove(backup).catch(() => {});
      throw err;
    }
    target.close();
  } finally {
    source.close();
  }
}

/** Keeps the newest backups (by modification time, then name); failures are ignored. */
async function pruneBackups(dir: string, naming: BackupNaming): Promise<void> {
  try {
    const backups: Array<{ path: string; name: string; mtime: number }> = [];
    for await (const entry of Deno.readDir(dir)) {
      if (!entry.isFile || !naming.matches(entry.name)) continue;
      const path = joinPath(dir, entry.name);
      const info = await Deno.stat(path);
      backups.push({ path, name: entry.name, mtime: info.mtime?.getTime() ?? 0 });
    }
    backups.sort((a, b) => b.mtime - a.mtime || (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
    for (const old of backups.slice(naming.keep)) await Deno.remove(old.path);
  } catch {
    // The backup exists; cleaning up old ones is best effort.
  }
}
