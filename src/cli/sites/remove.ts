/**
 * `anaconda sites remove SITE [-y|--dry-run]`: removes a site (by name or domain) from
 * config.toml; the last site cannot be removed.
 * @module
 */
import type { App } from "../framework/app.ts";
import { argument, leaf, type OptionValues } from "../framework/args.ts";
import { WRITE_OPTIONS } from "./options.ts";

export type RemoveOptions = OptionValues<typeof WRITE_OPTIONS>;

export const command = leaf({
  name: "remove",
  description: "Remove a site by name or domain",
  args: { site: argument("<site>", "the site name or domain to remove", { completeSites: true }) },
  options: WRITE_OPTIONS,
  examples: ["anaconda sites remove work --yes", "anaconda sites remove work --dry-run"],
  run: ({ site, ...options }, app) => runRemove(site, options, app),
});

export async function runRemove(site: string, options: RemoveOptions, app: App): Promise<void> {
  const settings = await app.settings();
  const { removeSite, sitesFile } = await import("../../config/sites_model.ts");
  const file = sitesFile(settings.configPath, settings.configText, settings.document);
  const change = (current: typeof file) => removeSite(current, site);
  const { writeSites } = await import("./write_flow.ts");
  await writeSites(app, file, change, options);
}
