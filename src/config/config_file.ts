/**
 * The file config.toml on disk: a bounded read, timestamped 0600 backups (the 5
 * newest kept) and an atomic write (a temporary file in the same folder, then a
 * rename) that leaves the file 0600 and creates a missing folder 0700.
 * @module
 */
import { ConfigError } from "../errors.ts";
import { readTextBounded, writeFileAtomic } from "../files.ts";
import { dirName, joinPath } from "../path.ts";

/** config.toml is read whole; a bigger file is refused rather than loaded. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The text of config.toml, or null when it does not exist. */
export async function readConfigText(path: string): Promise<string | null> {
  try {
    return await readTextBounded(path, MAX_CONFIG_BYTES);
  } catch (err) {
    throw new ConfigError(`Cannot read ${path}: ${reason(err)}`);
  }
}

const pad = (value: number, width = 2) => String(value).padStart(width, "0");

/** `YYYYmmdd_HHMMSS_ffffff` in local time (microseconds from the millisecond clock). */
export function backupStamp(ms: number, extraMicros = 0): string {
  const date = new Date(ms);
  return `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}_` +
    `${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}_` +
    pad(date.getMilliseconds() * 1000 + extraMicros, 6);
}

/** How many `config.backup.*.toml` files are kept. */
export const BACKUPS_KEPT = 5;

const BACKUP_NAME = /^config\.backup\..+\.toml$/;

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

async function restrict(path: string): Promise<void> {
  if (Deno.build.os !== "windows") await Deno.chmod(path, 0o600);
}

/**
 * Copies the config file to `config.backup.<stamp>.toml` beside it (mode 0600) and
 * deletes all but the newest backups. Returns the backup's path.
 */
export async function backupConfig(path: string, nowMs: number): Promise<string> {
  const dir = dirName(path);
  // Two writes within one millisecond get consecutive microseconds, not one name.
  let micros = 0;
  let backup: string;
  do {
    backup = joinPath(dir, `config.backup.${backupStamp(nowMs, micros)}.toml`);
    micros++;
  } while (micros < 1000 && await exists(backup));
  try {
    await Deno.copyFile(path, backup);
    await restrict(backup);
  } catch (err) {
    throw new ConfigError(`Cannot back up ${path} to ${backup}: ${reason(err)}`);
  }
  await pruneBackups(dir);
  return backup;
}

/** Keeps the newest backups (by modification time, then name); failures are ignored. */
async function pruneBackups(dir: string): Promise<void> {
  try {
    const backups: Array<{ path: string; name: string; mtime: number }> = [];
    for await (const entry of Deno.readDir(dir)) {
      if (!entry.isFile || !BACKUP_NAME.test(entry.name)) continue;
      const path = joinPath(dir, entry.name);
      const info = await Deno.stat(path);
      backups.push({ path, name: entry.name, mtime: info.mtime?.getTime() ?? 0 });
    }
    backups.sort((a, b) => b.mtime - a.mtime || (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
    for (const old of backups.slice(BACKUPS_KEPT)) await Deno.remove(old.path);
  } catch {
    // The backup exists; cleaning up old ones is best effort.
  }
}

/** Creates the folder of config.toml (0700) when it is missing. */
export async function ensureConfigFolder(path: string): Promise<void> {
  const dir = dirName(path);
  try {
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new ConfigError(`Cannot create the folder ${dir}: ${reason(err)}`);
  }
}

/**
 * Writes `text` to `path` atomically (a temporary file in the same folder, then a
 * rename), with mode 0600; creates the folder (0700) when it is missing. When the file
 * exists it is first backed up (see `backupConfig`); the backup's path is returned.
 */
export async function writeConfigFile(
  path: string,
  text: string,
  nowMs: number,
): Promise<string | null> {
  const backup = await exists(path) ? await backupConfig(path, nowMs) : null;
  if (backup === null) await ensureConfigFolder(path);
  try {
    await writeFileAtomic(path, text, { mode: 0o600 });
  } catch (err) {
    throw new ConfigError(`Cannot write ${path}: ${reason(err)}`);
  }
  return backup;
}
