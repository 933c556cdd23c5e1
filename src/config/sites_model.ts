/**
 * What `sites add/modify/remove` do to the sites of config.toml, on plain data: the
 * sites as written in the file (never those from the environment), the lookups and
 * the Python tool's rules for keys, defaults and the implicit anaconda.com site.
 * @module
 */
import { ConfigError } from "../errors.ts";
import { escapeControl } from "../text.ts";
import { defaultSiteConfig, type FieldName } from "./schema.ts";
import { checkSiteName, defaultSiteKey, findSite, siteChoices, siteNotConfigured } from "./site.ts";
import type { SitesState, SiteTable } from "./sites_editor.ts";
import { isTable } from "./toml_value.ts";

/** The sites part of config.toml as it is now. */
export interface SitesFile {
  path: string;
  /** The file's text ("" when it does not exist). */
  text: string;
  exists: boolean;
  /** The file's `default_site`, else the first site, else anaconda.com. */
  defaultSite: string;
  /** In file order; the implicit `anaconda.com` site when the file has none. */
  sites: SiteTable[];
}

/**
 * One change of the sites (`sites add/modify/remove`) as a function of the file, so
 * that it can be applied again to the file as it is when the write lock is held.
 */
export type SitesChange = (file: SitesFile) => SitesState;

/** Reads the sites of the parsed config file. */
export function sitesFile(
  path: string,
  text: string | null,
  document: Record<string, unknown>,
): SitesFile {
  const raw = document.sites ?? {};
  if (!isTable(raw)) throw new ConfigError(`sites in ${path} is not a table`);
  const sites: SiteTable[] = [];
  for (const [name, table] of Object.entries(raw)) {
    if (!isTable(table)) {
      throw new ConfigError(`[sites.${escapeControl(name)}] in ${path} is not a table`);
    }
    sites.push({ name, table: { ...table } });
  }
  if (sites.length === 0) sites.push({ name: "anaconda.com", table: {} });
  const fileDefault = document.default_site;
  return {
    path,
    text: text ?? "",
    exists: text !== null,
    defaultSite: typeof fileDefault === "string" ? fileDefault : (sites[0] as SiteTable).name,
    sites,
  };
}

/** The error for a site that `file` does not have, listing those it has. */
function notConfigured(file: SitesFile, query: string) {
  return siteNotConfigured(query, file.path, {
    choices: siteChoices(file.sites, file.defaultSite),
  });
}

/** The site with this name, else the one site with this domain. */
export function findSiteKey(file: SitesFile, query: string): string | undefined {
  return findSite(file.sites, query)?.name;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** True when `value` is the field's default (such values are not written to new keys). */
export function isDefaultValue(field: FieldName, value: unknown, homeDir: string): boolean {
  const defaults = defaultSiteConfig(homeDir) as Record<string, unknown>;
  return sameJson(defaults[field], value);
}

export interface AddRequest {
  name: string;
  values: Partial<Record<FieldName, unknown>>;
  makeDefault: boolean;
  removeAnacondaCom: boolean;
  homeDir: string;
}

/**
 * `sites add`: the new site last, without default values (docs/behaviour.md, "Editing the
 * configuration file").
 */
export function addSite(file: SitesFile, request: AddRequest): SitesState {
  checkSiteName(request.name, "option --name");
  if (file.sites.some((site) => site.name === request.name)) {
    throw new ConfigError(
      `A site with name ${
        escapeControl(request.name)
      } already exists, use the modify subcommand to alter it`,
    );
  }
  const sites = request.removeAnacondaCom
    ? file.sites.filter((site) => site.name !== "anaconda.com")
    : [...file.sites];
  const table: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(request.values) as [FieldName, unknown][]) {
    if (!isDefaultValue(field, value, request.homeDir)) table[field] = value;
  }
  sites.push({ name: request.name, table });
  const makeDefault = request.makeDefault || sites.length === 1;
  return { defaultSite: makeDefault ? request.name : file.defaultSite, sites };
}

export interface ModifyRequest {
  /** `--name`, else `--domain`: a site name, else a domain. */
  query: string;
  values: Partial<Record<FieldName, unknown>>;
  makeDefault: boolean;
  homeDir: string;
}

/**
 * `sites modify`: the values merged over the site's table, in place (never a rename).
 * Keys already in the table take the new value; new keys are added unless the value
 * is the default.
 */
export function modifySite(file: SitesFile, request: ModifyRequest): SitesState {
  let sites = file.sites;
  let key = findSiteKey(file, request.query);
  if (key === undefined && request.query === "anaconda.com") {
    // As in the Python tool, anaconda.com is always there to be configured.
    key = "anaconda.com";
    sites = [...sites, { name: key, table: {} }];
  }
  if (key === undefined) throw notConfigured(file, request.query);
  const updated = sites.map((site) => {
    if (site.name !== key) return site;
    const table = { ...site.table };
    for (const [field, value] of Object.entries(request.values) as [FieldName, unknown][]) {
      if (Object.hasOwn(table, field) || !isDefaultValue(field, value, request.homeDir)) {
        table[field] = value;
      }
    }
    return { name: site.name, table };
  });
  return { defaultSite: request.makeDefault ? key : file.defaultSite, sites: updated };
}

/** `sites remove`: the last site cannot go; a removed default passes to the first left. */
export function removeSite(file: SitesFile, query: string): SitesState {
  const key = findSiteKey(file, query);
  if (key !== undefined && file.sites.length === 1) {
    throw new ConfigError(
      `${escapeControl(query)} is the only configured site and cannot be removed`,
    );
  }
  if (key === undefined) throw notConfigured(file, query);
  const sites = file.sites.filter((site) => site.name !== key);
  const wasDefault = defaultSiteKey(file.sites, file.defaultSite) === key;
  const defaultSite = wasDefault ? (sites[0] as SiteTable).name : file.defaultSite;
  return { defaultSite, sites };
}
