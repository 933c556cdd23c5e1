/**
 * What every command receives: the context, the prompter, the global options and
 * the configuration, loaded on first use so `--help` and usage errors touch no disk.
 * @module
 */
import type { Context } from "../../context.ts";
import type { Settings } from "../../config/load.ts";
import type { SiteConfig } from "../../config/schema.ts";
import { escapeControl } from "../../text.ts";
import { UnknownSiteError } from "../../errors.ts";
import { Prompter } from "./prompt.ts";

export interface GlobalOptions {
  /** `--at SITE`: the site name or domain to act on. */
  at?: string;
  verbose: boolean;
  /** The root's hidden anaconda-client options: `-t TOKEN`, `-s SITE` (anaconda.org). */
  orgToken?: string;
  orgSite?: string;
}

/**
 * The site a command acts on when the top-level `login`, `logout` or `whoami` picked one;
 * without `at`, the selected site (`--at`, the environment, the default).
 */
export interface SitePick {
  /** The site's name or domain. */
  at?: string;
}

export interface App {
  context: Context;
  prompter: Prompter;
  globals(): GlobalOptions;
  /** The configuration, read once per process. */
  settings(): Promise<Settings>;
  /**
   * The destination the user picked on a terminal (`anaconda login` without `--at`): a
   * site's name or `anaconda.org`. A login recovery acts on it, and its re-run keeps it.
   */
  picked?: string;
}

/** Creates the App of one run; `picked`: the destination an earlier run of it picked. */
export function createApp(
  context: Context,
  globals: () => GlobalOptions,
  picked?: string,
): App {
  let settings: Promise<Settings> | undefined;
  return {
    context,
    prompter: new Prompter(context),
    globals,
    ...(picked === undefined ? {} : { picked }),
    settings() {
      settings ??= import("../../config/load.ts").then(({ loadSettings }) =>
        loadSettings(context, { at: globals().at })
      );
      return settings;
    },
  };
}

/** The site with this name or domain (`Settings.siteFor`), else the selected site. */
export function siteOrSelected(settings: Settings, nameOrDomain: string | undefined): SiteConfig {
  return nameOrDomain === undefined ? settings.site() : settings.siteFor(nameOrDomain);
}

/**
 * Fails unless `at` (the `--at` option) names a site: a configured site's name or
 * domain, anaconda.com, or one of `others` (what the command takes besides sites). Every
 * command checks it, also those that do not act on one site (`sites list`), so that a
 * mistyped `--at` never goes unnoticed.
 */
export async function checkAt(app: App, at: string, others: readonly string[]): Promise<void> {
  if (at === "anaconda.com" || others.includes(at)) return;
  const settings = await app.settings();
  const { findSite, siteChoices, siteNotConfigured } = await import("../../config/site.ts");
  if (findSite(settings.siteEntries, at) !== undefined) return;
  const notConfigured = siteNotConfigured(at, settings.configPath);
  throw new UnknownSiteError(
    `${escapeControl(at)} is not an allowed value for --at. ${notConfigured.message}`,
    [...siteChoices(settings.siteEntries, settings.defaultSiteName), ...others],
  );
}
