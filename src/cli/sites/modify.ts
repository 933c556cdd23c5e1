/**
 * `anaconda sites modify (--name N | --domain D) [options] [-y|--dry-run]`: changes
 * the values of a configured site in config.toml (in place: never a rename).
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import type { App } from "../app.ts";
import { UsageError } from "../errors.ts";
import { type SiteOptions, siteOptions, siteValues, writeOptions } from "./options.ts";

export type ModifyOptions = SiteOptions;

export function registerModify(group: Command, app: App): void {
  const command = new Command("modify")
    .description("Modify a site in config.toml");
  for (const option of [...siteOptions(), ...writeOptions()]) command.addOption(option);
  command.action(async () => {
    await runModify(command.opts() as ModifyOptions, app);
  });
  group.addCommand(command);
}

export async function runModify(options: ModifyOptions, app: App): Promise<void> {
  const settings = await app.settings();
  const { context } = app;
  const values = siteValues(options, {
    configPath: settings.configPath,
    homeDir: context.homeDir(),
    warn: (text) => context.stderr.write(text),
  });
  const query = options.name ?? options.domain;
  if (query === undefined) {
    throw new UsageError("You must supply at least one of --domain or --name to modify a site");
  }
  const { modifySite, sitesFile } = await import("../../config/sites_model.ts");
  const file = sitesFile(settings.configPath, settings.configText, settings.document);
  const change = (current: typeof file) =>
    modifySite(current, {
      query,
      values,
      makeDefault: options.default ?? false,
      homeDir: context.homeDir(),
    });
  const { writeSites } = await import("./write_flow.ts");
  await writeSites(app, file, change, options);
}
