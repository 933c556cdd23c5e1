/**
 * anaconda-client's configuration (docs/behaviour.md, "anaconda-client configuration"), read
 * the way anaconda-client's `get_config()` reads it: the YAML files of its search path in order
 * (a later file wins, mappings merge), then the `sites.<default_site>` table over the top
 * level. Only what the login needs is taken: the API `url` (default
 * `https://api.anaconda.org`), `ssl_verify` (else `verify_ssl`) and `default_site`. Nothing
 * here is ever written: anaconda-client owns these files.
 * @module
 */
import type { Context } from "../context.ts";
import { ConfigError, errorMessage } from "../errors.ts";
import { FileTooLargeError, readTextBounded } from "../files.ts";
import { expandHome, joinPath } from "../path.ts";
import { escapeControl } from "../text.ts";
import { tokenDirectory } from "../conda/token_files.ts";

/** anaconda.org's API, when no config file names another. */
export const DEFAULT_ORG_URL = "https://api.anaconda.org";

/** Where `sslVerify` comes from when the command line sets it. */
export const SSL_VERIFY_OPTION = "option --[no-]ssl-verify";

/** A config file is a few lines; anything bigger is not one. */
const MAX_CONFIG_BYTES = 1024 * 1024;
/** The YAML files read from one folder of the search path, at most. */
const MAX_FILES_PER_FOLDER = 64;

export interface OrgConfig {
  /** The API URL as configured: the token file is named after it. */
  url: string;
  /** Where `url` came from, for messages: a file, or "the default". */
  urlSource: string;
  /** requests' `verify`: true, false, or the path of a CA bundle. */
  sslVerify: boolean | string;
  /** Where `sslVerify` came from, for messages: a file, `sites.<name> in <file>`, "the default". */
  sslVerifySource: string;
  /** anaconda-client's `default_site`, if set. */
  site: string | null;
}

type Env = Pick<Context["env"], "get">;
type PathContext = { env: Env } & Pick<Context, "os" | "homeDir">;

/** platformdirs' `site_data_dir` of `binstar` (or `$BINSTAR_CONFIG_DIR/data`). */
function siteDataDir(context: PathContext): string {
  const configured = context.env.get("BINSTAR_CONFIG_DIR");
  if (configured) return joinPath(configured, "data");
  switch (context.os) {
    case "darwin":
      return "/Library/Application Support/binstar";
    case "windows":
      return joinPath(
        context.env.get("PROGRAMDATA") ?? "C:\\ProgramData",
        "ContinuumIO",
        "binstar",
      );
    default: {
      const first = (context.env.get("XDG_DATA_DIRS") ?? "").split(":")[0]?.trim();
      return joinPath(first || "/usr/local/share", "binstar");
    }
  }
}

/**
 * The files and folders anaconda-client reads its configuration from, in order
 * (`SEARCH_PATH` of binstar_client/utils/config.py). A `$VAR` that is not set drops its
 * entry, as the path would not exist.
 */
export function configSearchPath(context: PathContext): string[] {
  const underVar = (name: string) => {
    const value = context.env.get(name);
    return value ? [joinPath(value, "etc", "anaconda-client")] : [];
  };
  // A folder listed twice is read once, in its first place (as anaconda-client does).
  const places = [
    siteDataDir(context),
    "/etc/anaconda-client",
    ...underVar("CONDA_ROOT"),
    // platformdirs' `user_config_dir` of binstar: the folder of conda's token files.
    tokenDirectory(context),
    expandHome("~/.continuum/anaconda-client", context.homeDir()),
    ...underVar("CONDA_PREFIX"),
  ];
  return [...new Set(places)];
}

function isYamlName(name: string): boolean {
  return name.endsWith(".yaml") || name.endsWith(".yml");
}

/**
 * The config files at `path`: the file itself, or the YAML files of the folder (sorted).
 * A place that exists but cannot be looked at (no permission, an I/O error) is skipped
 * with a warning naming it: silently, the login would go to the default URL instead.
 */
async function configFilesAt(path: string, context: Pick<Context, "notify">): Promise<string[]> {
  const skipped = (what: string, err: unknown) =>
    context.notify({
      level: "warning",
      message: `the anaconda-client config ${what} ${path} is ignored: ${
        escapeControl(reason(err))
      }`,
    });
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory)) {
      skipped("location", err);
    }
    return [];
  }
  if (info.isFile) return isYamlName(path) || path.endsWith("anacondarc") ? [path] : [];
  if (!info.isDirectory) return [];
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(path)) {
      if (!entry.isDirectory && isYamlName(entry.name)) names.push(entry.name);
    }
  } catch (err) {
    skipped("folder", err);
    return [];
  }
  return names.sort().slice(0, MAX_FILES_PER_FOLDER).map((name) => joinPath(path, name));
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** anaconda-client's `recursive_update`: mappings merge, anything else replaces. */
function mergeInto(target: Record<string, unknown>, update: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(update)) {
    const current = target[key];
    if (isMapping(value)) {
      const merged = isMapping(current) ? current : {};
      mergeInto(merged, value);
      target[key] = merged;
    } else {
      target[key] = value;
    }
  }
}

function reason(err: unknown): string {
  return errorMessage(err).split("\n")[0]!;
}

/**
 * The mapping in a config file, or null (with a warning on stderr) when it cannot be
 * read or is not a YAML mapping: anaconda-client goes on without such a file too.
 */
async function readConfigFile(
  path: string,
  context: Context,
): Promise<Record<string, unknown> | null> {
  const warn = (why: string) =>
    context.notify({
      level: "warning",
      message: `the anaconda-client config file ${path} is ignored: ${escapeControl(why)}`,
    });
  let text: string | null;
  try {
    text = await readTextBounded(path, MAX_CONFIG_BYTES);
  } catch (err) {
    warn(err instanceof FileTooLargeError ? err.message : reason(err));
    return null;
  }
  if (text === null) return null;
  const { parse } = await import("yaml");
  let value: unknown;
  try {
    // PyYAML reads YAML 1.1: `yes`, `no`, `on`, `off` are booleans there.
    value = parse(text, { version: "1.1" });
  } catch (err) {
    warn(`not valid YAML: ${reason(err)}`);
    return null;
  }
  if (value === null || value === undefined) return null;
  if (!isMapping(value)) {
    warn("not a YAML mapping");
    return null;
  }
  return value;
}

/** `ssl_verify`, else `verify_ssl` (a null `ssl_verify` lets it through), else true. */
function sslVerifyOf(config: Record<string, unknown>, where: string): boolean | string {
  const value = config.ssl_verify ?? config.verify_ssl ?? true;
  if (typeof value === "boolean") return value;
  if (typeof value === "string" && value !== "") return value;
  throw new ConfigError(
    `ssl_verify in ${where} must be true, false or the path of a CA bundle, not ${
      escapeControl(JSON.stringify(value) ?? String(value))
    }`,
  );
}

/** Checks that `url` can be an API URL (a scheme is added when it has none, as anaconda-client does). */
function checkedUrl(value: unknown, where: string): string {
  if (typeof value === "string" && value.trim() !== "") {
    const withScheme = /^https?:\/\//.test(value) ? value : `https://${value}`;
    if (URL.canParse(withScheme)) return value;
  }
  throw new ConfigError(
    `url in ${where} is not an API URL: ${escapeControl(JSON.stringify(value) ?? String(value))}`,
  );
}

/** anaconda-client's effective configuration for this user (see the module comment). */
export async function loadOrgConfig(
  context: Context,
  options: { site?: string | undefined } = {},
): Promise<OrgConfig> {
  const config: Record<string, unknown> = { url: DEFAULT_ORG_URL, ssl_verify: true };
  let urlSource = "the default";
  let sslSource = "the default";
  const files: [string, Record<string, unknown>][] = [];
  for (const place of configSearchPath(context)) {
    for (const path of await configFilesAt(place, context)) {
      const data = await readConfigFile(path, context);
      if (data === null) continue;
      files.push([path, data]);
      mergeInto(config, data);
      if ("url" in data) urlSource = path;
      if ("ssl_verify" in data || "verify_ssl" in data) sslSource = path;
    }
  }
  // `anaconda -s SITE` (the root's hidden --site) wins over the files' default_site.
  const site = options.site !== undefined && options.site !== ""
    ? options.site
    : typeof config.default_site === "string" && config.default_site !== ""
    ? config.default_site
    : null;
  if (site !== null) {
    const table = isMapping(config.sites) ? config.sites[site] : undefined;
    if (isMapping(table)) {
      mergeInto(config, table);
      // The last file that set the value in this site's table.
      for (const [path, data] of files) {
        const own = isMapping(data.sites) ? data.sites[site] : undefined;
        if (isMapping(own) && "url" in own) urlSource = `sites.${site} in ${path}`;
        if (isMapping(own) && ("ssl_verify" in own || "verify_ssl" in own)) {
          sslSource = `sites.${site} in ${path}`;
        }
      }
    } else {
      context.notify({
        level: "warning",
        message: `the anaconda-client site "${
          escapeControl(site)
        }" (default_site) is not configured; using the top-level settings`,
      });
    }
  }
  return {
    url: checkedUrl(config.url, urlSource),
    urlSource,
    sslVerify: sslVerifyOf(config, sslSource),
    sslVerifySource: sslSource,
    site,
  };
}
