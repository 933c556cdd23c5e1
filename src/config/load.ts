/**
 * Loads the configuration from its sources and resolves the effective settings of a site, in
 * the precedence order of docs/behaviour.md, "Configuration sources and precedence" (highest
 * first): environment, secrets folder, `.env`, the site's table, legacy `[plugin.cloud]`,
 * `[plugin.auth]`, defaults.
 * @module
 */
import type { Context } from "../context.ts";
import { ConfigError, errorMessage } from "../errors.ts";
import {
  coerceField,
  defaultSiteConfig,
  describeSource,
  FIELD_NAMES,
  type FieldName,
  FIELDS,
  invalidValue,
  normalizeDomain,
  type SiteConfig,
  type Source,
} from "./schema.ts";
import { checkSiteName, selectSite, type SiteEntry, siteNotConfigured } from "./site.ts";
import { type RawLayer, readRawLayers } from "./sources.ts";
import { readConfigText } from "./config_file.ts";
import { isTable } from "./toml_value.ts";
import { configTomlPath } from "./locations.ts";
import { escapeControl } from "../text.ts";

export type { SiteEntry } from "./site.ts";

export interface Settings {
  /** `$ANACONDA_CONFIG_TOML` or `~/.anaconda/config.toml` (it may not exist). */
  configPath: string;
  /** The file's text, or null when it does not exist. */
  configText: string | null;
  /** The parsed file (`{}` when it does not exist). */
  document: Record<string, unknown>;
  /** The configured sites in file order. */
  siteEntries: SiteEntry[];
  /** The default site's name or domain (ignores `--at`). */
  defaultSiteName: string;
  /** The effective settings of the selected site. */
  site(): SiteConfig;
  /** The effective settings of the site with this name or domain. */
  siteFor(nameOrDomain: string): SiteConfig;
  /** The effective settings of every configured site. */
  allSites(): SiteConfig[];
  /** Where each value of `config` came from. */
  sourcesOf(config: SiteConfig): Record<FieldName, Source>;
}

export interface LoadOptions {
  /** `--at SITE`: acts like `ANACONDA_DEFAULT_SITE`. */
  at?: string | undefined;
}

/** `table[key]` when it is a table, else an empty one. */
function tableIn(table: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = table[key];
  return isTable(value) ? value : {};
}

/** `default_site` must be a string and `sites` a table of tables; errors name the file. */
function checkTopLevel(document: Record<string, unknown>, configPath: string): void {
  const fail = (key: string, raw: unknown, reason: string): never => {
    throw new ConfigError(
      `Error in ${configPath} for ${escapeControl(key)} = ${JSON.stringify(raw)}: ${reason}`,
    );
  };
  const { default_site: defaultSite, sites } = document;
  if (defaultSite !== undefined && typeof defaultSite !== "string") {
    fail("default_site", defaultSite, "Input should be a valid string");
  }
  if (sites === undefined) return;
  if (!isTable(sites)) return fail("sites", sites, "Input should be a table");
  for (const [name, table] of Object.entries(sites)) {
    checkSiteName(name, configPath);
    if (!isTable(table)) fail(`sites.${name}`, table, "Input should be a table");
  }
}

/**
 * config.toml parsed and checked as `loadSettings` does (`{}` when it does not exist),
 * with its text, or null for a missing file.
 */
export async function readConfigDocument(
  configPath: string,
): Promise<{ text: string | null; document: Record<string, unknown> }> {
  const text = await readConfigText(configPath);
  // The TOML parser is loaded only when there is a file to parse.
  const document = text === null
    ? {}
    : (await import("./toml_parse.ts")).parseConfigToml(text, configPath);
  checkTopLevel(document, configPath);
  return { text, document };
}

/** A candidate value for a field, before coercion. */
interface Candidate {
  raw: unknown;
  source: Source;
  /** From `[plugin.cloud]` or `ANACONDA_CLOUD_*`. */
  legacy?: boolean;
  /** From `ANACONDA_AUTH_*` (environment, secrets, `.env`): overrides any site's value. */
  override?: boolean;
}

/** Reads every source once and resolves sites from them. */
export async function loadSettings(context: Context, options: LoadOptions = {}): Promise<Settings> {
  const configPath = configTomlPath(context);
  const { text: configText, document } = await readConfigDocument(configPath);
  const layers = await readRawLayers(context);
  // Only the sources that hold such names (often the environment alone, with none):
  // every field of every site asks each of them.
  const holding = layers.filter((layer) => layer.keys().length > 0);
  const scoped = (prefix: string) =>
    holding.map((layer) => layer.scoped(prefix)).filter((layer) => layer.keys().length > 0);
  const authLayers = scoped("anaconda_auth_");
  const cloudLayers = scoped("anaconda_cloud_");
  const topLayers = scoped("anaconda_");

  const fileSites = tableIn(document, "sites");
  const siteEntries = mergeSiteEntries(fileSites, topLayers);
  const tomlDefault = typeof document.default_site === "string" ? document.default_site : undefined;
  const envDefault = firstRaw(topLayers, "default_site");
  const defaultSiteName = (typeof envDefault === "string" ? envDefault : undefined) ??
    tomlDefault ??
    siteEntries[0]?.name ?? "anaconda.com";
  // Where the default came from, named when it is not a site (the first site always is).
  const defaultFrom = typeof envDefault === "string"
    ? sourceOfRaw(topLayers, "default_site")
    : tomlDefault !== undefined
    ? `default_site in ${configPath}`
    : undefined;

  const plugin = tableIn(document, "plugin");
  const pluginAuth = tableIn(plugin, "auth");
  const pluginCloud = tableIn(plugin, "cloud");
  const homeDir = context.homeDir();
  const coerceOptions = { homeDir, cwd: context.cwd() };
  const defaults = defaultSiteConfig(homeDir);
  const sources = new WeakMap<SiteConfig, Partial<Record<FieldName, Source>>>();
  let warnedLegacy = false;
  let notedOverride = false;

  function candidatesFor(field: FieldName, entry: SiteEntry | undefined): Candidate[] {
    const found: Candidate[] = [];
    for (const layer of authLayers) {
      const raw = layer.get(field);
      if (raw !== undefined) found.push({ raw, source: layer.sourceOf(field), override: true });
    }
    if (entry && field in entry.table) {
      found.push({
        raw: entry.table[field],
        source: { kind: "file", path: configPath, table: `sites.${entry.name}`, key: field },
      });
    }
    for (const layer of cloudLayers) {
      const raw = layer.get(field);
      if (raw !== undefined) found.push({ raw, source: layer.sourceOf(field), legacy: true });
    }
    if (field in pluginCloud) {
      found.push({
        raw: pluginCloud[field],
        source: { kind: "file", path: configPath, table: "plugin.cloud", key: field },
        legacy: true,
      });
    }
    if (field in pluginAuth) {
      found.push({
        raw: pluginAuth[field],
        source: { kind: "file", path: configPath, table: "plugin.auth", key: field },
      });
    }
    return found;
  }

  // The fields a source other than a site's table names (usually none): only those, and
  // the table's, are looked up; the others keep their defaults without asking every source
  // (nor a loop over every field, which V8 would queue for its background compiler).
  const namedFields = new Set<string>([...Object.keys(pluginAuth), ...Object.keys(pluginCloud)]);
  for (const layer of [...authLayers, ...cloudLayers]) {
    for (const key of layer.keys()) addKeyAndParents(namedFields, key);
  }

  /** The fields some source names for the site of `entry`, in the order of `FIELDS`. */
  function namedFieldsOf(entry: SiteEntry | undefined): FieldName[] {
    const names = entry === undefined
      ? namedFields
      : new Set([...namedFields, ...Object.keys(entry.table)]);
    return [...names].filter((name): name is FieldName => Object.hasOwn(FIELDS, name))
      .sort((a, b) => FIELD_NAMES.indexOf(a) - FIELD_NAMES.indexOf(b));
  }

  function resolve(entry: SiteEntry | undefined, siteName: string): SiteConfig {
    const config = { ...defaults, site: siteName } as SiteConfig;
    // Where the values that are not defaults came from.
    const origin: Partial<Record<FieldName, Source>> = {};
    for (const field of namedFieldsOf(entry)) {
      const winner = candidatesFor(field, entry)[0];
      if (!winner) continue;
      if (winner.legacy && !warnedLegacy) {
        warnedLegacy = true;
        context.notify({
          level: "deprecation",
          message: "[plugin.cloud] and ANACONDA_CLOUD_* are deprecated; " +
            "use [plugin.auth] and ANACONDA_AUTH_* instead",
        });
      }
      const spec = FIELDS[field];
      try {
        (config as unknown as Record<string, unknown>)[field] = coerceField(
          spec.kind,
          winner.raw,
          coerceOptions,
        );
      } catch (err) {
        const reason = errorMessage(err);
        throw invalidValue(winner.source, winner.raw, reason, spec.secret);
      }
      origin[field] = winner.source;
    }
    sources.set(config, origin);
    return config;
  }

  const selection = {
    configPath,
    entries: siteEntries,
    defaultSite: defaultSiteName,
    site: stringRaw(authLayers, "site"),
    siteFrom: sourceOfRaw(authLayers, "site"),
    domain: stringRaw(authLayers, "domain"),
  };

  /** The site with this name or domain, ignoring `ANACONDA_AUTH_SITE` / `_DOMAIN`. */
  function entryFor(nameOrDomain: string): SiteEntry | undefined {
    return selectSite({ ...selection, site: undefined, domain: undefined }, nameOrDomain);
  }

  /** The name and domain of a site as its table and the files make it, without the environment. */
  function siteAlone(nameOrDomain: string): { site: string; domain: string | undefined } {
    const entry = entryFor(nameOrDomain);
    const own = candidatesFor("domain", entry).find((candidate) => !candidate.override);
    let domain: string | undefined;
    try {
      domain = own === undefined ? defaults.domain : normalizeDomain(String(own.raw));
    } catch {
      domain = undefined;
    }
    return { site: entry?.name ?? nameOrDomain, domain };
  }

  function byNameOrDomain(nameOrDomain: string): SiteConfig {
    const entry = entryFor(nameOrDomain);
    return resolve(entry, entry?.name ?? nameOrDomain);
  }

  return {
    configPath,
    configText,
    document,
    siteEntries,
    defaultSiteName,
    site() {
      const { at } = options;
      // `--at` must name a site even when the environment then overrides it (D9).
      const chosen = at === undefined ? undefined : siteAlone(at);
      const wanted = at ?? defaultSiteName;
      const entry = selectSite(selection, wanted, at === undefined ? defaultFrom : undefined);
      const config = resolve(entry, entry?.name ?? selection.domain ?? wanted);
      const note = chosen && overrideNote(chosen, config, authLayers);
      if (note && !notedOverride) {
        notedOverride = true;
        context.notify({ level: "info", message: `Note: ${note} chosen by --at` });
      }
      return config;
    },
    siteFor: byNameOrDomain,
    allSites() {
      if (siteEntries.length === 0) return [resolve(undefined, "anaconda.com")];
      return siteEntries.map((entry) => resolve(entry, entry.name));
    },
    sourcesOf(config) {
      const origin = sources.get(config);
      if (!origin) throw siteNotConfigured(config.site, configPath);
      const defaulted = FIELD_NAMES.map((
        field,
      ): [FieldName, Source] => [field, { kind: "default" }]);
      return { ...Object.fromEntries(defaulted) as Record<FieldName, Source>, ...origin };
    },
  };
}

/**
 * Where the value of `field` in `config` (a site of `settings`) came from, for messages:
 * `environment variable ANACONDA_AUTH_SSL_VERIFY`, `/work/.env for ...`,
 * `~/.anaconda/config.toml in [sites.work] for ssl_verify`. Undefined for a default value,
 * or a `config` that is not one of `settings`' sites (a copy with overrides).
 */
export function describeFieldSource(
  settings: Pick<Settings, "sourcesOf">,
  config: SiteConfig,
  field: FieldName,
): string | undefined {
  let source: Source;
  try {
    source = settings.sourcesOf(config)[field];
  } catch {
    return undefined;
  }
  return source.kind === "default" ? undefined : describeSource(source);
}

/** `ANACONDA_AUTH_SITE=b`, or `ANACONDA_AUTH_DOMAIN=x (from /home/u/.env)`. */
function describeSetting(layers: RawLayer[], key: string): string {
  const layer = layers.find((candidate) => candidate.get(key) !== undefined);
  const value = escapeControl(String(layer?.get(key)));
  const name = `ANACONDA_AUTH_${key.toUpperCase()}=${value}`;
  const source = layer?.sourceOf(key);
  if (source?.kind === "dotenv") return `${name} (from ${source.path})`;
  if (source?.kind === "secret") return `${name} (from the secrets file ${source.path})`;
  return name;
}

/**
 * What `ANACONDA_AUTH_SITE` or `ANACONDA_AUTH_DOMAIN` changed of the site that `--at`
 * chose (`chosen`: that site alone), or undefined when they changed nothing.
 */
function overrideNote(
  chosen: { site: string; domain: string | undefined },
  config: SiteConfig,
  authLayers: RawLayer[],
): string | undefined {
  const site = `site "${escapeControl(chosen.site)}"`;
  if (stringRaw(authLayers, "site") !== undefined && config.site !== chosen.site) {
    return `${describeSetting(authLayers, "site")} overrides the ${site}`;
  }
  if (
    stringRaw(authLayers, "domain") !== undefined &&
    (config.site !== chosen.site || config.domain !== chosen.domain)
  ) {
    return `${describeSetting(authLayers, "domain")} overrides the domain of ${site}`;
  }
  return undefined;
}

/** Adds `key` and each name it nests under (`a` and `a__b` of `a__b__c`): what `get` finds it by. */
function addKeyAndParents(names: Set<string>, key: string): void {
  names.add(key);
  for (let at = key.indexOf("__"); at !== -1; at = key.indexOf("__", at + 1)) {
    names.add(key.slice(0, at));
  }
}

function firstRaw(layers: RawLayer[], key: string): unknown {
  for (const layer of layers) {
    const raw = layer.get(key);
    if (raw !== undefined) return raw;
  }
  return undefined;
}

/** Where the first of `layers` that sets `key` took it from, as messages name it. */
function sourceOfRaw(layers: RawLayer[], key: string): string | undefined {
  const layer = layers.find((candidate) => candidate.get(key) !== undefined);
  return layer === undefined ? undefined : describeSource(layer.sourceOf(key));
}

function stringRaw(layers: RawLayer[], key: string): string | undefined {
  const raw = firstRaw(layers, key);
  return typeof raw === "string" ? raw : undefined;
}

/** `[sites.*]` from the file, deep-merged with `ANACONDA_SITES` / `ANACONDA_SITES__<name>__<key>`. */
function mergeSiteEntries(fileSites: Record<string, unknown>, topLayers: RawLayer[]): SiteEntry[] {
  const merged = new Map<string, Record<string, unknown>>();
  for (const [name, table] of Object.entries(fileSites)) {
    if (isTable(table)) merged.set(name, { ...table });
  }
  for (const layer of [...topLayers].reverse()) {
    const raw = layer.get("sites");
    const fromEnv = typeof raw === "string" ? safeJson(raw) : raw;
    if (!isTable(fromEnv)) continue;
    for (const [name, table] of Object.entries(fromEnv)) {
      if (!isTable(table)) continue;
      checkSiteName(name, describeSource(layer.sourceOf("sites")));
      merged.set(name, { ...(merged.get(name) ?? {}), ...table });
    }
  }
  return [...merged].map(([name, table]) => ({ name, table }));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
