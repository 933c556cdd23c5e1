/**
 * `anaconda sites add --domain D [--name N] [--default] [options] [-y|--dry-run]`:
 * adds a `[sites.<name>]` table to config.toml.
 * @module
 */
import type { App } from "../framework/app.ts";
import { leaf, type OptionValues, toggle } from "../framework/args.ts";
import { UsageError } from "../framework/errors.ts";
import { SITE_OPTIONS, siteValues, WRITE_OPTIONS } from "./options.ts";

const ADD_OPTIONS = {
  ...SITE_OPTIONS,
  removeAnacondaCom: toggle(
    "--remove-anaconda-com",
    "remove the implicit anaconda.com site (default: remove it)",
  ),
  ...WRITE_OPTIONS,
};

export type AddOptions = OptionValues<typeof ADD_OPTIONS>;

export const command = leaf({
  name: "add",
  description: "Add a site to config.toml\n" +
    "--domain is required; the site's name defaults to its domain.",
  options: ADD_OPTIONS,
  examples: [
    "anaconda sites add --domain anaconda.example.com --name work --default --yes",
    "anaconda sites add --domain anaconda.example.com --no-ssl-verify --dry-run",
  ],
  run: (options, app) => runAdd(options, app),
});

export async function runAdd(options: AddOptions, app: App): Promise<void> {
  const settings = await app.settings();
  const { context } = app;
  const values = siteValues(options, {
    configPath: settings.configPath,
    homeDir: context.homeDir(),
    warn: (text) => context.stderr.write(text),
  });
  if (values.domain === undefined) {
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
