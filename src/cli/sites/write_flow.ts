/**
 * The end of every `sites add/modify/remove`: `--dry-run` prints the diff and writes
 * nothing at all (A2); `--yes` writes; otherwise the diff is shown and the user is
 * asked `Confirm: [y/n]` (answered from a terminal or a pipe).
 * @module
 */
import type { App } from "../app.ts";
import type { SitesChange, SitesFile } from "../../config/sites_model.ts";

export interface WriteMode {
  yes?: boolean | undefined;
  dryRun?: boolean | undefined;
}

/** Shows, confirms and writes the new sites of config.toml. */
export async function writeSites(
  app: App,
  file: SitesFile,
  change: SitesChange,
  mode: WriteMode,
): Promise<void> {
  const { sitesEdit, updateSites } = await import("../../config/sites_update.ts");
  const { unifiedDiff, diffDate, modifiedDate } = await import("../../config/config_diff.ts");
  const { stdout, stderr, clock } = app.context;
  const text = sitesEdit(file, change);
  if (text === null) {
    stderr.write(`No change to ${file.path}\n`);
    return;
  }
  if (mode.dryRun || !mode.yes) {
    const diff = unifiedDiff(file.text, text, {
      path: file.path,
      oldDate: file.exists ? await modifiedDate(file.path) : null,
      newDate: diffDate(clock.now()),
    });
    stdout.write(diff);
    if (mode.dryRun) return;
    const go = await app.prompter.confirm("Confirm:", { flagHint: "--yes" });
    if (!go) return;
  }
  await updateSites(file.path, change, clock.now());
}
