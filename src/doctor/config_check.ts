/**
 * The `config` check: every source of settings parses (`config.toml`, `.env`, the
 * `ANACONDA_*` variables, the secrets folder), which site is selected and why, keys
 * nobody reads, and settings that weaken security, each with where it came from.
 * @module
 */
import { type Context, type Notice, withNotify } from "../context.ts";
import { errorMessage, TomlSyntaxError, UnknownSiteError } from "../errors.ts";
import { loadSettings, type Settings } from "../config/load.ts";
import { configTomlPath } from "../config/locations.ts";
import { type FieldName, FIELDS, type SiteConfig, type Source } from "../config/schema.ts";
import { type RawLayer, readRawLayers } from "../config/sources.ts";
import { isTable } from "../config/toml_value.ts";
import { type CheckResult, Findings } from "./check.ts";
import { ALLOW_INSECURE_HTTP, insecureHttpAllowed, isLoopbackHost } from "../http/plain_http.ts";
import { atSite, removeFrom, shortPath, siteTable, sourceText } from "./places.ts";

/** The selected site, as the other checks need it. */
export interface SiteSubject {
  settings: Settings;
  config: SiteConfig;
  /** Where each of `config`'s values came from. */
  sources: Record<FieldName, Source>;
}

/** `ANACONDA_AUTH_*` names that are not site fields but are read (by this tool or install.sh). */
const OTHER_AUTH_NAMES = new Set([
  "site",
  "allow_insecure_http",
  "install_dir",
  "version",
  "release_url",
  "os",
  "arch",
]);

/** What the `config.toml` layout allows besides site fields. */
const TOP_LEVEL_KEYS = new Set(["default_site", "sites", "plugin"]);

const LEGACY_FIX = "rename [plugin.cloud] to [plugin.auth] in config.toml, and ANACONDA_CLOUD_* " +
  "variables to ANACONDA_AUTH_*";

function isField(name: string): boolean {
  return Object.hasOwn(FIELDS, name);
}

/** The keys of a table that are not site fields. */
function unknownFields(table: Record<string, unknown>): string[] {
  return Object.keys(table).filter((key) => !isField(key));
}

/** Every key of `config.toml` that nothing reads, as `key in [table]`. */
function unknownFileKeys(document: Record<string, unknown>): string[] {
  const found: string[] = [];
  for (const key of Object.keys(document)) {
    if (!TOP_LEVEL_KEYS.has(key)) found.push(`${key} (top level)`);
  }
  const plugin = isTable(document.plugin) ? document.plugin : {};
  for (const name of ["auth", "cloud"]) {
    const table = plugin[name];
    if (isTable(table)) {
      found.push(...unknownFields(table).map((key) => `${key} in [plugin.${name}]`));
    }
  }
  const sites = isTable(document.sites) ? document.sites : {};
  for (const [name, table] of Object.entries(sites)) {
    if (isTable(table)) {
      found.push(...unknownFields(table).map((key) => `${key} in [sites.${name}]`));
    }
  }
  return found;
}

/** `ANACONDA_AUTH_*` / `ANACONDA_CLOUD_*` names (env, secrets, `.env`) that nothing reads. */
function unknownVariables(layers: RawLayer[], homeDir: string): string[] {
  const found: string[] = [];
  for (const layer of layers) {
    for (const prefix of ["anaconda_auth_", "anaconda_cloud_"]) {
      const scoped = layer.scoped(prefix);
      for (const key of scoped.keys()) {
        const field = key.split("__")[0] ?? "";
        if (isField(field) || OTHER_AUTH_NAMES.has(field)) continue;
        const source = scoped.sourceOf(key);
        const name = `${prefix.toUpperCase()}${key.toUpperCase()}`;
        found.push(source.kind === "env" ? name : `${name} (${sourceText(source, homeDir)})`);
      }
    }
  }
  return found;
}

/** Why the selected site was chosen, in the order the loader decides it. */
function selectionReason(
  settings: Settings,
  layers: RawLayer[],
  at: string | undefined,
  homeDir: string,
): string {
  const set = (prefix: string, key: string) => {
    for (const layer of layers) {
      const scoped = layer.scoped(prefix);
      if (scoped.get(key) !== undefined) return sourceText(scoped.sourceOf(key), homeDir);
    }
    return undefined;
  };
  const bySite = set("anaconda_auth_", "site");
  if (bySite !== undefined) return `chosen by ${bySite}`;
  const byDomain = set("anaconda_auth_", "domain");
  if (byDomain !== undefined) return `chosen by ${byDomain}`;
  if (at !== undefined) return "chosen by --at";
  const byDefault = set("anaconda_", "default_site");
  if (byDefault !== undefined) return `chosen by ${byDefault}`;
  const configPath = shortPath(settings.configPath, homeDir);
  if (typeof settings.document.default_site === "string") {
    return `chosen by default_site in ${configPath}`;
  }
  if (settings.siteEntries.length > 0) return `the first site of ${configPath}`;
  return "the built-in default";
}

/** The sources that hold settings, for the summary. */
function sourcesRead(settings: Settings, layers: RawLayer[], homeDir: string): string {
  const read: string[] = [];
  if (settings.configText !== null) read.push(shortPath(settings.configPath, homeDir));
  const [env, secrets, dotenv] = layers;
  const names = (layer: RawLayer | undefined) =>
    ["anaconda_auth_", "anaconda_cloud_", "anaconda_default_site", "anaconda_sites"].flatMap((
      prefix,
    ) => layer?.scoped(prefix).keys().map((key) => `${prefix}${key}`.toUpperCase()) ?? []);
  const dotenvNames = names(dotenv);
  if (dotenvNames.length > 0) {
    const source = dotenv!.sourceOf(dotenvNames[0]!.toLowerCase());
    if (source.kind === "dotenv") read.push(shortPath(source.path, homeDir));
  }
  const secretNames = names(secrets);
  if (secretNames.length > 0) read.push(`${secretNames.length} secrets file(s)`);
  read.push(...names(env));
  return read.length === 0 ? "no settings anywhere: the defaults apply" : `read ${read.join(", ")}`;
}

/** The fix of a configuration that cannot be loaded. */
function loadFix(err: unknown, settingsPath: string): string {
  if (err instanceof TomlSyntaxError) {
    return `correct the TOML syntax of ${settingsPath} at the line and column shown`;
  }
  if (err instanceof UnknownSiteError) {
    return "see the configured sites with anaconda sites list, or add the site: " +
      "anaconda sites add --domain <domain> --name <name>";
  }
  return "correct or remove the value named above, where it is set";
}

/** Settings that weaken security: verification off, plain-HTTP URLs and their sources. */
function weakSettings(
  findings: Findings,
  subject: SiteSubject,
  context: Context,
): void {
  const { config, sources, settings } = subject;
  const home = context.homeDir();
  if (config.ssl_verify === false) {
    findings.warn(
      `certificate verification is off (ssl_verify = false from ${
        sourceText(sources.ssl_verify, home)
      })`,
      `${removeFrom(sources.ssl_verify, "ssl_verify", home)}; to trust a private CA instead: ` +
        `anaconda sites modify ${atSite(config)} --ca-bundle PATH`,
    );
  }
  if (insecureHttpAllowed(context.env)) {
    findings.warn(
      `${ALLOW_INSECURE_HTTP} lets keys and tokens go over plain http:// to other machines`,
      `unset ${ALLOW_INSECURE_HTTP}`,
    );
  }
  for (const field of ["openid_config_path", "redirect_uri"] as const) {
    const url = URL.parse(config[field], `https://${config.domain}`);
    if (url?.protocol !== "http:" || isLoopbackHost(url.hostname)) continue;
    const source = sources[field];
    findings.warn(
      `${field} is a plain http:// URL to ${url.host} (from ${sourceText(source, home)})`,
      `${removeFrom(source, field, home)}, or set an https:// URL in ${
        siteTable(settings, config, home)
      }`,
    );
  }
}

/**
 * Loads the settings as every command does and reports on them. `subject` is null when
 * they cannot be loaded (then the checks that need the site are skipped).
 */
export async function checkConfig(
  context: Context,
  at: string | undefined,
): Promise<{ result: CheckResult; subject: SiteSubject | null }> {
  const findings = new Findings();
  const home = context.homeDir();
  const notices: Notice[] = [];
  const quiet = withNotify(context, (notice) => notices.push(notice));
  let settings: Settings;
  let subject: SiteSubject;
  let layers: RawLayer[];
  try {
    settings = await loadSettings(quiet, { at });
    layers = await readRawLayers(quiet);
    const config = settings.site();
    subject = { settings, config, sources: settings.sourcesOf(config) };
  } catch (err) {
    findings.fail(errorMessage(err), loadFix(err, shortPath(configTomlPath(context), home)));
    return { result: findings.result("config"), subject: null };
  }
  const { config } = subject;
  const overrides = notices.filter((notice) => notice.level === "info").map((notice) =>
    notice.message.replace(/^Note:\s*/, "")
  );
  findings.ok(
    `site "${config.site}" (${config.domain}), ${selectionReason(settings, layers, at, home)}${
      overrides.map((note) => ` (${note})`).join("")
    }; ${sourcesRead(settings, layers, home)}`,
  );
  for (const notice of notices) {
    if (notice.level === "deprecation") findings.warn(notice.message, LEGACY_FIX);
    if (notice.level === "warning") findings.warn(notice.message, "see the message");
  }
  const unknownKeys = unknownFileKeys(settings.document);
  if (unknownKeys.length > 0) {
    findings.warn(
      `${shortPath(settings.configPath, home)} has keys nothing reads: ${unknownKeys.join(", ")}`,
      `remove them from ${shortPath(settings.configPath, home)} or correct their names ` +
        "(the settings a site takes: anaconda sites show --show-hidden)",
    );
  }
  const unknownNames = unknownVariables(layers, home);
  if (unknownNames.length > 0) {
    findings.warn(
      `variables nothing reads: ${unknownNames.join(", ")}`,
      "unset them or correct their names (ANACONDA_AUTH_<SETTING>, the settings of " +
        "anaconda sites show --show-hidden)",
    );
  }
  weakSettings(findings, subject, context);
  return { result: findings.result("config"), subject };
}
