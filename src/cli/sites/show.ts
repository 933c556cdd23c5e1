/**
 * `anaconda sites show [SITE] [--all] [--show-hidden] [--json]`: the effective settings
 * of a site as JSON (`site` first), or with `--all` every site's own table over the
 * defaults, keyed by name. Hidden fields only with `--show-hidden`.
 * @module
 */
import { type App, siteOrSelected } from "../framework/app.ts";
import { argument, flag, type Input, JSON_OPTIONS, leaf, toggle } from "../framework/args.ts";
import type { SiteEntry } from "../../config/load.ts";
import {
  coerceField,
  defaultSiteConfig,
  FIELD_NAMES,
  type FieldName,
  FIELDS,
  invalidValue,
  type SiteConfig,
} from "../../config/schema.ts";
import { writeJson } from "../framework/output.ts";
import { errorMessage } from "../../errors.ts";

const SHOW_OPTIONS = {
  all: flag("--all", "show every configured site"),
  showHidden: toggle("--show-hidden", "show hidden fields too"),
  // JSON is the only format: accepted for scripts.
  ...JSON_OPTIONS,
};

const SHOW_ARGS = {
  site: argument("[site]", "a site name or domain (default: the default site)", {
    completeSites: true,
  }),
};

export type ShowOptions = Input<typeof SHOW_OPTIONS, typeof SHOW_ARGS>;

export const command = leaf({
  name: "show",
  description: "Show the settings of the default site, or of a site by name or domain",
  args: SHOW_ARGS,
  options: SHOW_OPTIONS,
  examples: [
    "anaconda sites show",
    "anaconda sites show work --show-hidden",
    "anaconda sites show --all",
  ],
  run: (options, app) => runShow(options, app),
});

/** The fields of `config` that are shown, in schema order. */
export function visibleFields(
  config: Omit<SiteConfig, "site">,
  showHidden: boolean,
): Record<string, unknown> {
  const shown: Record<string, unknown> = {};
  for (const field of FIELD_NAMES) {
    if (FIELDS[field].hidden && !showHidden) continue;
    shown[field] = config[field];
  }
  return shown;
}

/** A site's own table over the defaults (no environment, no `[plugin.auth]`). */
export function tableConfig(
  entry: SiteEntry,
  options: { configPath: string; homeDir: string; cwd: string },
): Omit<SiteConfig, "site"> {
  const config = defaultSiteConfig(options.homeDir) as Record<string, unknown>;
  for (const [key, raw] of Object.entries(entry.table)) {
    if (!Object.hasOwn(FIELDS, key)) continue;
    const spec = FIELDS[key as FieldName];
    try {
      config[key] = coerceField(spec.kind, raw, options);
    } catch (err) {
      const reason = errorMessage(err);
      const source = {
        kind: "file" as const,
        path: options.configPath,
        table: `sites.${entry.name}`,
        key,
      };
      throw invalidValue(source, raw, reason, spec.secret);
    }
  }
  return config as unknown as Omit<SiteConfig, "site">;
}

export async function runShow(options: ShowOptions, app: App): Promise<void> {
  const settings = await app.settings();
  const showHidden = options.showHidden ?? false;
  if (options.all) {
    const entries = settings.siteEntries.length > 0
      ? settings.siteEntries
      : [{ name: "anaconda.com", table: {} }];
    const context = {
      configPath: settings.configPath,
      homeDir: app.context.homeDir(),
      cwd: app.context.cwd(),
    };
    const all: Record<string, unknown> = {};
    for (const entry of entries) {
      all[entry.name] = visibleFields(tableConfig(entry, context), showHidden);
    }
    writeJson(app.context.stdout, all);
    return;
  }
  const config = siteOrSelected(settings, options.site);
  writeJson(app.context.stdout, { site: config.site, ...visibleFields(config, showHidden) });
}
