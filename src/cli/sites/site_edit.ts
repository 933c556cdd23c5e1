/**
 * What `sites add` and `sites modify` share: their options turned into site values
 * (checked, a CA bundle read), the sites of config.toml as they are, and the write.
 * @module
 */
import type { App } from "../framework/app.ts";
import type { FieldName } from "../../config/schema.ts";
import type { SitesChange, SitesFile } from "../../config/sites_model.ts";
import { checkSiteValues, type SiteInput, siteValues } from "./options.ts";
import type { WriteMode } from "./write_flow.ts";

/** The site-table values given by the options, by field name. */
export type SiteValues = Partial<Record<FieldName, unknown>>;

/**
 * Turns the options into site values, then writes the change that `plan` makes of them
 * (it may throw, or say something first; the file is what config.toml holds now).
 */
export async function editSite(
  app: App,
  options: SiteInput & WriteMode,
  plan: (values: SiteValues, file: SitesFile) => SitesChange,
): Promise<void> {
  const settings = await app.settings();
  const { context } = app;
  const values = siteValues(options, {
    configPath: settings.configPath,
    homeDir: context.homeDir(),
    cwd: context.cwd(),
    warn: (text) => context.stderr.write(text),
  });
  const { sitesFile } = await import("../../config/sites_model.ts");
  const file = sitesFile(settings.configPath, settings.configText, settings.document);
  const change = plan(values, file);
  await checkSiteValues(values);
  const { writeSites } = await import("./write_flow.ts");
  await writeSites(app, file, change, options);
}
