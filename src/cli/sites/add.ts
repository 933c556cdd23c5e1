/**
 * `anaconda sites add --domain D [--name N] [--default] [options] [-y|--dry-run]`:
 * adds a `[sites.<name>]` table to config.toml.
 * @module
 */
import { Command, Option } from "@commander-js/extra-typings";
import type { App } from "../app.ts";
import { UsageError } from "../errors.ts";
import { type SiteOptions, siteOptions, siteValues, writeOptions } from "./options.ts";

export interface AddOptions extends SiteOptions {
  removeAnacondaCom?: boolean;
}

export function registerAdd(group: Command, app: App): void {
  const command = new Command("add")
    .description("Add a site to config.toml");
  for (const option of siteOptions()) command.addOption(option);
  command
    .addOption(new Option("--remove-anaconda-com", "remove the site named anaconda.com (default)"))
    .addOption(new Option("--no-remove-anaconda-com", "keep the site named anaconda.com"));
  for (const option of writeOptions()) command.addOption(option);
  command.action(async () => {
    await runAdd(command.opts() as AddOptions, app);
  });
  group.addCommand(command);
}

export async function runAdd(options: AddOptions, app: App): Promise<void> {
  const settings = await app.settings();
  const { context } = app;
  const values = siteValues(options, {
    configPath: settings.configPath,
    homeDir: context.homeDir(),
    warn: (text) => context.stderr.write(text),
  });
  if (options.domain === undefined || values.domain === undefined) {
    throw new UsageError("You must supply at least --domain to a add a new site");
  }
  const { addSite, sitesFile } = await import("../../config/sites_model.ts");
  const file = sitesFile(settings.configPath, settings.configText, settings.document);
  const change = (current: typeof file) =>
    addSite(current, {
      name: options.name ?? String(values.domain),
      values,
      makeDefault: options.default ?? false,
      removeAnacondaCom: options.removeAnacondaCom ?? true,
      homeDir: context.homeDir(),
    });
  const { writeSites } = await import("./write_flow.ts");
  await writeSites(app, file, change, options);
}
