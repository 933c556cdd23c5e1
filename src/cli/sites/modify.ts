/**
 * `anaconda sites modify (--name N | --domain D) [options] [-y|--dry-run]`: changes
 * the values of a configured site in config.toml (in place: never a rename).
 * @module
 */
import type { App } from "../framework/app.ts";
import { leaf, type OptionValues } from "../framework/args.ts";
import { UsageError } from "../framework/errors.ts";
import { SITE_OPTIONS, siteValues, WRITE_OPTIONS } from "./options.ts";

const MODIFY_OPTIONS = { ...SITE_OPTIONS, ...WRITE_OPTIONS };

export type ModifyOptions = OptionValues<typeof MODIFY_OPTIONS>;

export const command = leaf({
  name: "modify",
  description: "Modify a site in config.toml\n" +
    "The site is found by --name, else by --domain; it is changed in place, never renamed.",
  options: MODIFY_OPTIONS,
  examples: [
    "anaconda sites modify --name work --no-ssl-verify --yes",
    "anaconda sites modify --domain anaconda.example.com --default --yes",
  ],
  run: (options, app) => runModify(options, app),
});

export async function runModify(options: ModifyOptions, app: App): Promise<void> {
  const settings = await app.settings();
  const { context } = app;
  const values = siteValues(options, {
    configPath: settings.configPath,
    homeDir: context.homeDir(),
    warn: (text) => context.stderr.write(text),
  });
  const query = options.name ?? (options.domain as string | undefined);
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
