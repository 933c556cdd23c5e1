/**
 * The top-level `anaconda login`, `anaconda logout` and `anaconda whoami` (docs/behaviour.md,
 * "Commands"): they route to a site or to anaconda.org. `--at` names the destination (a site's
 * name or domain, or `anaconda.org`); the hidden legacy `--hostname`, `--username` and
 * `--password` of `login` mean anaconda.org; without them, a terminal user picks the
 * destination and a script must pass `--at`. The work is done by src/cli/auth/*.ts for sites
 * and by src/org/ for anaconda.org.
 * @module
 */
import { defaultSiteKey, siteLabel } from "../config/site.ts";
import { escapeControl } from "../text.ts";
import type { App } from "./framework/app.ts";
import { leaf } from "./framework/args.ts";
import { LOGIN_EXAMPLES, LOGIN_OPTIONS, runLogin } from "./auth/login.ts";
import { runLogout } from "./auth/logout.ts";
import { runWhoami, WHOAMI_OPTIONS } from "./auth/whoami.ts";
import { UsageError } from "./framework/errors.ts";
import { ORG_LOGIN_OPTIONS, type OrgLoginOptions } from "./org.ts";

/** Environment variables that already choose the site, so no picker is needed. */
const SITE_ENV = ["ANACONDA_AUTH_SITE", "ANACONDA_AUTH_DOMAIN", "ANACONDA_DEFAULT_SITE"];

/** The destination that is anaconda.org (anaconda-client's API), not a site. */
export const ORG_DESTINATION = "anaconda.org";

/** What `--at` of login, logout and whoami takes besides the sites. */
const OTHER_DESTINATIONS = [ORG_DESTINATION];

/** One entry of the destination picker: a site's name, or `anaconda.org`. */
export interface Destination {
  name: string;
  label: string;
}

/**
 * The destinations in picker order: the default site first, then `anaconda.com`, then
 * `anaconda.org`, then the other sites in file order (the implicit `anaconda.com` site
 * when none is configured). Site labels are `name`, ` (domain)` when it differs,
 * ` [default]`.
 */
export function destinations(
  entries: { name: string; table: Record<string, unknown> }[],
  defaultName: string,
): Destination[] {
  const sites = entries.length > 0 ? entries : [{ name: "anaconda.com", table: {} }];
  const defaultKey = defaultSiteKey(sites, defaultName);
  const ranked = sites.map((entry, index) => {
    const domain = entry.table.domain ?? "anaconda.com";
    const isDefault = entry.name === defaultKey;
    const rank = isDefault ? 0 : entry.name === "anaconda.com" || domain === "anaconda.com" ? 1 : 3;
    return { name: entry.name, label: siteLabel(entry, isDefault), rank, index };
  });
  ranked.push({ name: ORG_DESTINATION, label: ORG_DESTINATION, rank: 2, index: 0 });
  ranked.sort((a, b) => a.rank - b.rank || a.index - b.index);
  return ranked.map(({ name, label }) => ({ name, label }));
}

/**
 * The destination without `--at`: the site chosen in the environment (undefined: the
 * selected site), else the user's pick on a terminal (asked once per context), a site's
 * name or `anaconda.org`. Without a terminal anaconda.org is never guessed: one
 * configured site (or none) is used as it is, several need `--at`, so that scripts keep
 * working as with the Python tool when anaconda-client is not installed.
 */
export async function chooseDestination(app: App): Promise<string | undefined> {
  if (app.globals().at !== undefined) return undefined;
  const { context, prompter } = app;
  if (app.picked !== undefined) return app.picked;
  if (SITE_ENV.some((name) => context.env.get(name))) return undefined;
  const settings = await app.settings();
  const choices = destinations(settings.siteEntries, settings.defaultSiteName);
  if (!context.stdin.isTerminal) {
    const sites = choices.filter((choice) => choice.name !== ORG_DESTINATION);
    if (sites.length <= 1) return undefined;
    throw new UsageError(
      `Several sites are configured (${
        sites.map((choice) => escapeControl(choice.name)).join(", ")
      }): choose one with --at <site> (or --at anaconda.org)`,
    );
  }
  const choice = await prompter.choose(
    // Lower case, as the Python tool asks (docs/behaviour.md, "Kept on purpose").
    "choose destination:",
    choices.map((choice) => ({ value: choice.name, label: choice.label })),
    { flagHint: "--at <site>" },
  );
  app.picked = choice;
  return choice;
}

/** Where a top-level command goes: anaconda.org, or a site (`at`: the one picked). */
type Target = { org: true } | { org: false; at?: string };

/** The destination of a top-level command; `orgOnly`: options that only anaconda.org takes. */
async function target(app: App, orgOnly: string | null): Promise<Target> {
  const { at, orgToken, orgSite } = app.globals();
  // The root's -t/-s are anaconda-client's: they mean anaconda.org (docs/behaviour.md, "Commands").
  orgOnly ??= orgToken !== undefined ? "--token" : orgSite !== undefined ? "--site" : null;
  if (at === ORG_DESTINATION) return { org: true };
  if (at !== undefined) {
    if (orgOnly !== null) {
      throw new UsageError(`${orgOnly} is for anaconda.org: use --at anaconda.org`);
    }
    // root.ts checked that it names a site (or anaconda.org, one of OTHER_DESTINATIONS).
    return { org: false };
  }
  if (orgOnly !== null) return { org: true };
  const picked = await chooseDestination(app);
  if (picked === ORG_DESTINATION) return { org: true };
  return picked === undefined ? { org: false } : { org: false, at: picked };
}

/** The first of the legacy anaconda.org options given, for messages; null when none. */
function orgOnlyOption(options: OrgLoginOptions): string | null {
  if (options.hostname !== undefined) return "--hostname";
  if (options.username !== undefined) return "--username";
  if (options.password !== undefined) return "--password";
  return null;
}

export const login = leaf({
  name: "login",
  otherDestinations: OTHER_DESTINATIONS,
  description: "Log in to an Anaconda site or anaconda.org (asks which one without --at)",
  options: { ...LOGIN_OPTIONS, ...ORG_LOGIN_OPTIONS },
  examples: [
    ...LOGIN_EXAMPLES.map((line) => line.replace("anaconda auth login", "anaconda login")),
    "anaconda login --at anaconda.org",
  ],
  run: async (options, app) => {
    const to = await target(app, orgOnlyOption(options));
    if (to.org) return await (await import("./org.ts")).loginToOrg(options, app);
    const { hostname: _hostname, username: _username, password: _password, ...siteOptions } =
      options;
    await runLogin({ ...siteOptions, ...(to.at === undefined ? {} : { at: to.at }) }, app);
  },
});

export const logout = leaf({
  name: "logout",
  otherDestinations: OTHER_DESTINATIONS,
  description: "Log out of an Anaconda site or anaconda.org (asks which one without --at)",
  examples: ["anaconda logout --at work", "anaconda logout --at anaconda.org"],
  run: async (_options, app) => {
    const to = await target(app, null);
    if (to.org) return await (await import("./org.ts")).logoutOfOrg(app);
    await runLogout(to.at === undefined ? {} : { at: to.at }, app);
  },
});

export const whoami = leaf({
  name: "whoami",
  otherDestinations: OTHER_DESTINATIONS,
  description:
    "Show your account on an Anaconda site or anaconda.org (asks which one without --at)",
  options: WHOAMI_OPTIONS,
  examples: ["anaconda whoami --at work", "anaconda whoami --at anaconda.org"],
  run: async (_options, app) => {
    const to = await target(app, null);
    if (to.org) return await (await import("./org.ts")).whoamiOnOrg(app);
    await runWhoami(to.at === undefined ? {} : { at: to.at }, app);
  },
});
