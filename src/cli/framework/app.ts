/**
 * What every command receives: the context, the prompter, the global options and
 * the configuration, loaded on first use so `--help` and usage errors touch no disk.
 * @module
 */
import type { Context } from "../../context.ts";
import type { Settings } from "../../config/load.ts";
import type { SiteConfig } from "../../config/schema.ts";
import { Prompter } from "./prompt.ts";

export interface GlobalOptions {
  /** `--at SITE`: the site name or domain to act on. */
  at?: string;
  verbose: boolean;
  /** The root's hidden anaconda-client options: `-t TOKEN`, `-s SITE` (anaconda.org). */
  orgToken?: string;
  orgSite?: string;
}

export interface App {
  context: Context;
  prompter: Prompter;
  globals(): GlobalOptions;
  /** The configuration, read once per process. */
  settings(): Promise<Settings>;
}

export function createApp(context: Context, globals: () => GlobalOptions): App {
  let settings: Promise<Settings> | undefined;
  return {
    context,
    prompter: new Prompter(context),
    globals,
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
