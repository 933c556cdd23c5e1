/**
 * `sites add/modify/remove` as one locked read-modify-write of config.toml: under an
 * exclusive lock the file is read again, the change applied to what it says now (the
 * settings loaded at start may be stale), and the result backed up and written, so
 * that concurrent writers lose no site.
 * @module
 */
import { ConfigError } from "../errors.ts";
import { removeStaleTempFiles } from "../files.ts";
import { withFileLock } from "../lock.ts";
import { ensureConfigFolder, writeConfigFile } from "./config_file.ts";
import { readConfigDocument } from "./load.ts";
import { editSites, type SitesState } from "./sites_editor.ts";
import { type SitesChange, type SitesFile, sitesFile } from "./sites_model.ts";

/** The new text of config.toml for the new sites, or null when it changes nothing. */
function editedText(file: SitesFile, state: SitesState): string | null {
  const edited = editSites(file.text, state, file.path);
  return file.exists && edited === file.text ? null : edited;
}

/** The new text of config.toml after `change`, or null when it changes nothing. */
export function sitesEdit(file: SitesFile, change: SitesChange): string | null {
  return editedText(file, change(file));
}

export interface SitesUpdate {
  /** False when the file already said what the change wants: nothing was written. */
  changed: boolean;
  /** The backup of the previous file, when there was one. */
  backup: string | null;
  /** The sites as the file had them when the lock was taken, and as written. */
  before: SitesFile;
  after: SitesState;
}

/** Applies `change` to config.toml at `path` as it is once the lock is held. */
export async function updateSites(
  path: string,
  change: SitesChange,
  nowMs: number,
): Promise<SitesUpdate> {
  await ensureConfigFolder(path);
  return await withFileLock(`${path}.lock`, async () => {
    await removeStaleTempFiles(path);
    const { text, document } = await readConfigDocument(path);
    const before = sitesFile(path, text, document);
    const after = change(before);
    const edited = editedText(before, after);
    if (edited === null) return { changed: false, backup: null, before, after };
    return { changed: true, backup: await writeConfigFile(path, edited, nowMs), before, after };
  }, {
    fail: (cause) =>
      new ConfigError(
        `Cannot lock ${path} for writing: ${cause instanceof Error ? cause.message : cause}`,
        { cause },
      ),
  });
}
