/**
 * `anaconda sites list [--json]`: every configured site with its domain, whether it is
 * the default and whether it has a valid login.
 * @module
 */
import type { App } from "../framework/app.ts";
import { JSON_OPTIONS, leaf, type OptionValues } from "../framework/args.ts";
import type { SiteConfig } from "../../config/schema.ts";
import type { Settings } from "../../config/load.ts";
import { defaultSiteKey as defaultKeyOf } from "../../config/site.ts";
import { StoreError } from "../../errors.ts";
import { CHECK, renderTable, tableStyle, writeJson } from "../framework/output.ts";
// Static: the command always needs them (from source, each import() costs a module-graph pass).
import { loadToken } from "../../token/tokens.ts";
import { isTokenExpired } from "../../token/token_info.ts";

const LIST_OPTIONS = { ...JSON_OPTIONS };

export type ListOptions = OptionValues<typeof LIST_OPTIONS>;

/** One row of `sites list`. */
export interface SiteRow {
  name: string;
  domain: string;
  default: boolean;
  logged_in: boolean;
}

export const command = leaf({
  name: "list",
  description: "List the configured sites by name and domain",
  options: LIST_OPTIONS,
  examples: ["anaconda sites list", "anaconda sites list --json"],
  run: (options, app) => runList(options, app),
});

/** The name of the site `defaultSiteName` points at: a site name, else a unique domain. */
export function defaultSiteKey(
  settings: Pick<Settings, "siteEntries" | "defaultSiteName">,
): string {
  return defaultKeyOf(settings.siteEntries, settings.defaultSiteName);
}

async function loggedIn(app: App, config: SiteConfig): Promise<boolean> {
  try {
    const info = await loadToken(app.context, config);
    return info !== null && !isTokenExpired(info, app.context.clock.now());
  } catch (err) {
    if (!(err instanceof StoreError)) throw err;
    app.context.stderr.write(`Warning: cannot read the token of ${config.site}: ${err.message}\n`);
    return false;
  }
}

export async function runList(options: ListOptions, app: App): Promise<void> {
  const settings = await app.settings();
  const defaultKey = defaultSiteKey(settings);
  const rows: SiteRow[] = [];
  for (const config of settings.allSites()) {
    rows.push({
      name: config.site,
      domain: config.domain,
      default: config.site === defaultKey,
      logged_in: await loggedIn(app, config),
    });
  }
  const { stdout, stderr } = app.context;
  if (options.json) {
    writeJson(stdout, rows);
    return;
  }
  const mark = (on: boolean) => (on ? CHECK : "");
  stdout.write(renderTable(
    ["Site name", "Domain name", "Default site", "Logged in"],
    rows.map((row) => [row.name, row.domain, mark(row.default), mark(row.logged_in)]),
    tableStyle(stdout, app.context.env),
  ));
  if (stderr.isTerminal) {
    stderr.write("To view full site details use anaconda sites show [name or domain]\n");
  }
}
