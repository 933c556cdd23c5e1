/**
 * The end of every `sites add/modify/remove`: `--dry-run` prints the diff and writes
 * nothing at all (A2); `--yes` writes; otherwise the diff is shown and the user is
 * asked `Confirm: [y/n]` (answered from a terminal or a pipe).
 * @module
 */
import type { App } from "../app.ts";
import type { SitesState } from "../../config/write.ts";
import type { SitesFile } from "./model.ts";

export interface WriteMode {
  yes?: boolean | undefined;
  dryRun?: boolean | undefined;
}

/** Shows, confirms and writes the new sites of config.toml. */
export async function writeSites(
  app: App,
  file: SitesFile,
  state: SitesState,
  mode: WriteMode,
): Promise<void> {
  const { editSites, unifiedDiff, diffDate, modifiedDate, writeConfigFile } = await import(
    "../../config/write.ts"
  );
  const { stdout, stderr, clock } = app.context;
  const text = editSites(file.text, state, file.path);
  if (file.exists && text === file.text) {
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
  await writeConfigFile(file.path, text, clock.now());
}
