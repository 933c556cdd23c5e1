/**
 * The file config.toml on disk: a bounded read, timestamped 0600 backups (the 5
 * newest kept) and an atomic write (a temporary file in the same folder, then a
 * rename) that leaves the file 0600 and creates a missing folder 0700.
 * @module
 */
import { ConfigError, errorMessage } from "../errors.ts";
import { assertWritable, pathExists, readTextBounded, writeFileAtomic } from "../files.ts";
import { dirName } from "../path.ts";
import type { BackupNaming } from "../backups.ts";

/** config.toml is read whole; a bigger file is refused rather than loaded. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** The text of config.toml, or null when it does not exist. */
export async function readConfigText(path: string): Promise<string | null> {
  try {
    return await readTextBounded(path, MAX_CONFIG_BYTES);
  } catch (err) {
    throw new ConfigError(`Cannot read ${path}: ${errorMessage(err)}`);
  }
}

/** How many `config.backup.*.toml` files are kept. */
export const BACKUPS_KEPT = 5;

const BACKUP_NAMING: BackupNaming = {
  name: (stamp) => `config.backup.${stamp}.toml`,
  matches: (name) => /^config\.backup\..+\.toml$/.test(name),
  keep: BACKUPS_KEPT,
};

/**
 * Copies the config file to `config.backup.<stamp>.toml` beside it (mode 0600) and
 * deletes all but the newest backups. Returns the backup's path.
 */
export async function backupConfig(path: string, nowMs: number): Promise<string> {
  // Loaded on first write: reading the config (every command) does not need it.
  const { backupFile } = await import("../backups.ts");
  try {
    return await backupFile(path, nowMs, BACKUP_NAMING);
  } catch (err) {
    throw new ConfigError(`Cannot back up ${path}: ${errorMessage(err)}`);
  }
}

/** Creates the folder of config.toml (0700) when it is missing. */
export async function ensureConfigFolder(path: string): Promise<void> {
  const dir = dirName(path);
  try {
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new ConfigError(`Cannot create the folder ${dir}: ${errorMessage(err)}`);
  }
}

/**
 * Writes `text` to `path` atomically (a temporary file in the same folder, then a
 * rename), with mode 0600; creates the folder (0700) when it is missing. When the file
 * exists it is first backed up (see `backupConfig`); the backup's path is returned. A
 * read-only file is refused (see `assertWritable`).
 */
export async function writeConfigFile(
  path: string,
  text: string,
  nowMs: number,
): Promise<string | null> {
  try {
    await assertWritable(path);
  } catch (err) {
    throw new ConfigError(`Cannot write ${path}: ${errorMessage(err)}`);
  }
  const backup = await pathExists(path) ? await backupConfig(path, nowMs) : null;
  if (backup === null) await ensureConfigFolder(path);
  try {
    await writeFileAtomic(path, text, { mode: 0o600 });
  } catch (err) {
    throw new ConfigError(`Cannot write ${path}: ${errorMessage(err)}`);
  }
  return backup;
}
