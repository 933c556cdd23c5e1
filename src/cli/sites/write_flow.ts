/**
 * The end of every `sites add/modify/remove`: `--dry-run` prints the diff and writes nothing at
 * all (D2); `--yes` writes; otherwise the diff is shown and the user is asked `Confirm: [y/n]`
 * (answered from a terminal or a pipe). A write ends with one line on stderr saying what
 * changed (D44).
 * @module
 */
import type { App } from "../framework/app.ts";
import type { SitesChange, SitesFile } from "../../config/sites_model.ts";
import type { SitesState, SiteTable } from "../../config/sites_editor.ts";
import { escapeControl } from "../../text.ts";

function label(site: SiteTable): string {
  const domain = typeof site.table.domain === "string" ? site.table.domain : "anaconda.com";
  return escapeControl(site.name === domain ? site.name : `${site.name} (${domain})`);
}

/**
 * What a write changed, in one line: `✓ Added site work (example.com), now the default`.
 * Sites are compared by name; the implicit anaconda.com site counts as one.
 */
export function describeChange(before: SitesFile, after: SitesState): string {
  const named = (sites: SiteTable[], name: string) => sites.find((site) => site.name === name);
  const defaultOf = (state: { sites: SiteTable[]; defaultSite: string }) =>
    named(state.sites, state.defaultSite)?.name ?? state.defaultSite;
  const newDefault = defaultOf(after) !== defaultOf(before) ? defaultOf(after) : undefined;
  let defaultSaid = false;
  const parts: string[] = [];
  for (const site of after.sites) {
    const old = named(before.sites, site.name);
    const verb = old === undefined
      ? "added"
      : JSON.stringify(old.table) !== JSON.stringify(site.table)
      ? "modified"
      : undefined;
    if (verb === undefined) continue;
    const isDefault = newDefault === site.name;
    defaultSaid ||= isDefault;
    parts.push(`${verb} site ${label(site)}${isDefault ? ", now the default" : ""}`);
  }
  for (const site of before.sites) {
    if (named(after.sites, site.name) === undefined) parts.push(`removed site ${label(site)}`);
  }
  const defaultSite = newDefault === undefined ? undefined : named(after.sites, newDefault);
  if (defaultSite && !defaultSaid) {
    parts.push(
      parts.length === 0
        ? `made site ${label(defaultSite)} the default`
        : `the default site is now ${label(defaultSite)}`,
    );
  }
  const line = parts.join("; ") || `updated ${before.path}`;
  return `✓ ${line[0]!.toUpperCase()}${line.slice(1)}`;
}

export interface WriteMode {
  yes?: boolean | undefined;
  dryRun?: boolean | undefined;
}

/** Shows, confirms and writes the new sites of config.toml; says what changed. */
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
  const update = await updateSites(file.path, change, clock.now());
  stderr.write(
    update.changed
      ? `${describeChange(update.before, update.after)}\n`
      : `No change to ${file.path}\n`,
  );
}
