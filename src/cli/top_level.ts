/**
 * The top-level `anaconda login`, `anaconda logout` and `anaconda whoami` (SPEC Part B
 * §5.3): with `--at` they act on that site; without it, when several sites are
 * configured, a terminal user picks the destination and a script must pass `--at`.
 * @module
 */
import type { Context } from "../context.ts";
import type { App } from "./app.ts";
import { leaf } from "./args.ts";
import { LOGIN_EXAMPLES, LOGIN_OPTIONS, runLogin } from "./auth/login.ts";
import { runLogout } from "./auth/logout.ts";
import { runWhoami, WHOAMI_OPTIONS } from "./auth/whoami.ts";

/** Environment variables that already choose the site, so no picker is needed. */
const SITE_ENV = ["ANACONDA_AUTH_SITE", "ANACONDA_AUTH_DOMAIN", "ANACONDA_DEFAULT_SITE"];

/** One entry of the destination picker. */
export interface Destination {
  name: string;
  label: string;
}

/**
 * The configured sites in picker order: the default first, then `anaconda.com`, then
 * the rest in file order. Labels are `name`, ` (domain)` when it differs, ` [default]`.
 */
export function destinations(
  entries: { name: string; table: Record<string, unknown> }[],
  defaultName: string,
): Destination[] {
  const domainOf = (table: Record<string, unknown>) =>
    typeof table.domain === "string" ? table.domain : "anaconda.com";
  const ranked = entries.map((entry, index) => {
    const domain = domainOf(entry.table);
    const isDefault = entry.name === defaultName;
    const rank = isDefault ? 0 : entry.name === "anaconda.com" || domain === "anaconda.com" ? 1 : 2;
    const label = `${entry.name}${domain === entry.name ? "" : ` (${domain})`}${
      isDefault ? " [default]" : ""
    }`;
    return { name: entry.name, label, rank, index };
  });
  ranked.sort((a, b) => a.rank - b.rank || a.index - b.index);
  return ranked.map(({ name, label }) => ({ name, label }));
}

/** The destination picked on a terminal, per context: a login recovery and its re-run use it. */
const picked = new WeakMap<Context, string>();

/** The site the user picked in this process (see `chooseDestination`), if any. */
export function pickedDestination(context: Context): string | undefined {
  return picked.get(context);
}

/**
 * The site to act on: `--at`, else the one chosen in the environment or the only
 * configured site (undefined: the selected site), else the user's pick on a terminal
 * (asked once per context).
 */
export async function chooseDestination(app: App): Promise<string | undefined> {
  if (app.globals().at !== undefined) return undefined;
  const { context, prompter } = app;
  const earlier = picked.get(context);
  if (earlier !== undefined) return earlier;
  if (SITE_ENV.some((name) => context.env.get(name))) return undefined;
  const settings = await app.settings();
  const choices = destinations(settings.siteEntries, settings.defaultSiteName);
  if (choices.length <= 1) return undefined;
  const choice = await prompter.choose(
    "choose destination:",
    choices.map((choice) => ({ value: choice.name, label: choice.label })),
    {
      flagHint: "--at <site>",
      noTerminal: `Several sites are configured (${
        choices.map((choice) => choice.name).join(", ")
      }): choose one with --at <site>`,
    },
  );
  picked.set(context, choice);
  return choice;
}

/** Runs `action` on `--at`, the site chosen in the environment, or the one the user picks. */
async function onDestination(app: App, action: (at: { at?: string }) => Promise<void>) {
  const at = await chooseDestination(app);
  await action(at === undefined ? {} : { at });
}

export const login = leaf({
  name: "login",
  description: "Log in to an Anaconda site (asks which one on a terminal without --at)",
  options: LOGIN_OPTIONS,
  examples: LOGIN_EXAMPLES.map((line) => line.replace("anaconda auth login", "anaconda login")),
  run: (options, app) => onDestination(app, (at) => runLogin({ ...options, ...at }, app)),
});

export const logout = leaf({
  name: "logout",
  description: "Remove the stored API key of a site (asks which one on a terminal without --at)",
  examples: ["anaconda logout --at work"],
  run: (_options, app) => onDestination(app, (at) => runLogout(at, app)),
});

export const whoami = leaf({
  name: "whoami",
  description: "Show the logged-in user's account (asks which site on a terminal without --at)",
  options: WHOAMI_OPTIONS,
  examples: ["anaconda whoami --at work"],
  run: (_options, app) => onDestination(app, (at) => runWhoami(at, app)),
});
