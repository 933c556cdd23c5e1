/**
 * Where a fix goes: the place a setting came from, the table of `config.toml` a site's
 * setting belongs in, paths shown with `~`, and loopback hosts.
 * @module
 */
import type { Settings } from "../config/load.ts";
import type { SiteConfig, Source } from "../config/schema.ts";
import { displayPath } from "../store/file_keyring.ts";

/** `path` with the home folder shown as `~`. */
export function shortPath(path: string, homeDir: string): string {
  return displayPath(path, homeDir);
}

/** Where a value came from, for a summary: `ANACONDA_AUTH_SSL_VERIFY`, `[sites.work] in ~/...`. */
export function sourceText(source: Source, homeDir: string): string {
  switch (source.kind) {
    case "env":
      return source.name;
    case "dotenv":
      return `${source.name} in ${shortPath(source.path, homeDir)}`;
    case "secret":
      return `the secrets file ${shortPath(source.path, homeDir)}`;
    case "file":
      return `[${source.table}] in ${shortPath(source.path, homeDir)}`;
    case "option":
      return `the option ${source.name}`;
    case "default":
      return "the default";
  }
}

/** How to take a value away from where it came from: `unset X`, `remove ... from ...`. */
export function removeFrom(source: Source, field: string, homeDir: string): string {
  switch (source.kind) {
    case "env":
      return `unset ${source.name}`;
    case "dotenv":
      return `remove ${source.name} from ${shortPath(source.path, homeDir)}`;
    case "secret":
      return `remove the secrets file ${shortPath(source.path, homeDir)}`;
    case "file":
      return `remove ${field} from [${source.table}] in ${shortPath(source.path, homeDir)}`;
    default:
      return `change ${field}`;
  }
}

/**
 * The table of `config.toml` where a setting of the site goes: `[sites.<name>]` when the
 * site has a table, else `[plugin.auth]`; with the file.
 */
export function siteTable(settings: Settings, config: SiteConfig, homeDir: string): string {
  const hasTable = settings.siteEntries.some((entry) => entry.name === config.site);
  const table = hasTable ? `[sites.${config.site}]` : "[plugin.auth]";
  return `${table} of ${shortPath(settings.configPath, homeDir)}`;
}

/**
 * How to give `field` another value where the site's value is decided: the variable or
 * file it came from (a variable wins over `config.toml`), else the site's table.
 */
export function setSetting(
  settings: Settings,
  config: SiteConfig,
  field: string,
  source: Source,
  value: { toml: string; text: string },
  homeDir: string,
): string {
  switch (source.kind) {
    case "env":
      return `set ${source.name}=${value.text}`;
    case "dotenv":
      return `set ${source.name}=${value.text} in ${shortPath(source.path, homeDir)}`;
    case "secret":
      return `write ${value.text} into the secrets file ${shortPath(source.path, homeDir)}`;
    case "file":
      return `set ${field} = ${value.toml} in [${source.table}] of ${
        shortPath(source.path, homeDir)
      }`;
    default:
      return `set ${field} = ${value.toml} in ${siteTable(settings, config, homeDir)}`;
  }
}

/** A POSIX shell word for `text` (quoted when it needs it). */
export function shellWord(text: string): string {
  return /^[\w@%+=:,./~-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

/** `--at <site>` for a command in a fix. */
export function atSite(config: SiteConfig): string {
  return `--at ${shellWord(config.site)}`;
}
