/**
 * `anaconda sites remove SITE [-y|--dry-run]`: removes a site (by name or domain) from
 * config.toml; the last site cannot be removed.
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import type { App } from "../app.ts";
import { writeOptions } from "./options.ts";

export interface RemoveOptions {
  yes?: boolean;
  dryRun?: boolean;
}

export function registerRemove(group: Command, app: App): void {
  const command = new Command("remove")
    .description("Remove a site by name or domain")
    .argument("<site>", "the site name or domain to remove");
  for (const option of writeOptions()) command.addOption(option);
  command.action(async (site) => {
    await runRemove(site, command.opts() as RemoveOptions, app);
  });
  group.addCommand(command);
}

export async function runRemove(site: string, options: RemoveOptions, app: App): Promise<void> {
  const settings = await app.settings();
  const { removeSite, sitesFile } = await import("../../config/sites_model.ts");
  const file = sitesFile(settings.configPath, settings.configText, settings.document);
  const change = (current: typeof file) => removeSite(current, site);
  const { writeSites } = await import("./write_flow.ts");
  await writeSites(app, file, change, options);
}
