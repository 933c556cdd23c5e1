/**
 * Site selection (docs/behaviour.md, "Site selection"): by site name, then by domain, with the
 * Python tool's errors for unknown and ambiguous sites.
 * @module
 */
import { ConfigError, UnknownSiteError } from "../errors.ts";
import { escapeControl, hasControlChars } from "../text.ts";

/** A raw `[sites.<name>]` table. */
export interface SiteEntry {
  name: string;
  table: Record<string, unknown>;
}

export interface SiteSelection {
  configPath: string;
  entries: SiteEntry[];
  /** The default site's name or domain (marked in the list of choices of an error). */
  defaultSite: string;
  /** `ANACONDA_AUTH_SITE`: an exact site name. */
  site: string | undefined;
  /** Where `site` came from (`environment variable ANACONDA_AUTH_SITE`), for messages. */
  siteFrom?: string | undefined;
  /** `ANACONDA_AUTH_DOMAIN`: matched against the tables' `domain`. */
  domain: string | undefined;
}

/** How a site is listed: its name, ` (domain)` when that differs, ` [default]`. */
export function siteLabel(entry: SiteEntry, isDefault: boolean): string {
  const domain = tableDomain(entry);
  const shown = typeof domain === "string" && domain !== entry.name ? ` (${domain})` : "";
  return `${entry.name}${shown}${isDefault ? " [default]" : ""}`;
}

/** The configured sites as listed in errors, in file order (the implicit anaconda.com if none). */
export function siteChoices(entries: SiteEntry[], defaultSite: string): string[] {
  const sites = entries.length > 0 ? entries : [{ name: "anaconda.com", table: {} }];
  const defaultKey = defaultSiteKey(sites, defaultSite);
  return sites.map((entry) => siteLabel(entry, entry.name === defaultKey));
}

/**
 * The Python tool's error for a site name or domain that no site has. `from` names where
 * the value came from (`default_site in <path>`, an environment variable); `choices` are
 * the sites that would have worked.
 */
export function siteNotConfigured(
  nameOrDomain: string,
  configPath: string,
  options: { from?: string | undefined; choices?: string[]; nameOnly?: boolean } = {},
): UnknownSiteError {
  const what = options.nameOnly ? "site name" : "site or domain";
  const from = options.from === undefined ? "" : ` (from ${options.from})`;
  return new UnknownSiteError(
    `The ${what} ${escapeControl(nameOrDomain)} has not been configured in ${configPath}${from}`,
    options.choices,
  );
}

/**
 * Site names are printed in lists and messages, so a control character (which could
 * clear the terminal or split a line) is refused; `where` names the source.
 */
export function checkSiteName(name: string, where: string): void {
  if (hasControlChars(name)) {
    throw new ConfigError(
      `Error in ${where}: the site name "${
        escapeControl(name)
      }" contains control characters; use printable characters only`,
    );
  }
}

/** A table without `domain` stands for anaconda.com. */
function tableDomain(entry: SiteEntry): unknown {
  return entry.table.domain ?? "anaconda.com";
}

function byDomain<T extends SiteEntry>(entries: T[], domain: string): T | undefined {
  const matches = entries.filter((entry) => tableDomain(entry) === domain);
  if (matches.length > 1) {
    const names = matches.map((entry) => entry.name).join(", ");
    throw new ConfigError(
      `The domain ${escapeControl(domain)} matches more than one configured site (${
        escapeControl(names)
      })`,
    );
  }
  return matches[0];
}

/** The site named `query`, else the one site whose domain is `query` (several: an error). */
export function findSite<T extends SiteEntry>(entries: T[], query: string): T | undefined {
  return entries.find((entry) => entry.name === query) ?? byDomain(entries, query);
}

/**
 * The name of the site that `defaultSite` (a name or, historically, a domain) points
 * at; `defaultSite` itself when no site, or more than one, matches.
 */
export function defaultSiteKey(entries: SiteEntry[], defaultSite: string): string {
  try {
    return findSite(entries, defaultSite)?.name ?? defaultSite;
  } catch (err) {
    if (err instanceof ConfigError) return defaultSite;
    throw err;
  }
}

/**
 * The site table that applies, or undefined for "no site values" (the implicit
 * anaconda.com site, or a domain given in the environment that no table names).
 * `wanted` is `--at` or the default site; `wantedFrom` says where it came from.
 */
export function selectSite(
  selection: SiteSelection,
  wanted: string,
  wantedFrom?: string,
): SiteEntry | undefined {
  const fail = (name: string, from: string | undefined, nameOnly: boolean): never => {
    throw siteNotConfigured(name, selection.configPath, {
      from,
      nameOnly,
      choices: siteChoices(selection.entries, selection.defaultSite),
    });
  };
  if (selection.site !== undefined) {
    const entry = selection.entries.find((candidate) => candidate.name === selection.site);
    return entry ?? fail(selection.site, selection.siteFrom, true);
  }
  if (selection.domain !== undefined) return byDomain(selection.entries, selection.domain);
  const matched = findSite(selection.entries, wanted);
  if (matched || wanted === "anaconda.com") return matched;
  return fail(wanted, wantedFrom, false);
}
