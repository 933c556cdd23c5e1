/**
 * `anaconda auth status [--json]`: every configured site, whether it is logged in,
 * where its token is, the username and when the key expires. Exits 1 when the selected
 * site is not logged in (for scripts).
 * @module
 */
import type { App } from "../framework/app.ts";
import { JSON_OPTIONS, leaf, type OptionValues } from "../framework/args.ts";
import type { SiteConfig } from "../../config/schema.ts";
import type { KeyState } from "../../token/token_info.ts";
import { errorMessage } from "../../errors.ts";
import { escapeControl } from "../../text.ts";
import { loginHint } from "../recover_login.ts";

const STATUS_OPTIONS = { ...JSON_OPTIONS };

export type StatusOptions = OptionValues<typeof STATUS_OPTIONS>;

/** The login state of a site's token. */
export type LoginState = "logged-in" | "not-logged-in" | "expired" | "invalid" | "error";

/** One row of `auth status`. */
export interface SiteStatus {
  site: string;
  domain: string;
  /** The site `--at`/env/default selects. */
  selected: boolean;
  logged_in: boolean;
  state: LoginState;
  /** Where the token is (null when there is none). */
  storage: string | null;
  username: string | null;
  /** When the API key expires, UTC ISO 8601 (null when unknown). */
  expires_at: string | null;
  /** What went wrong, for `state: "error"` and `"invalid"`. */
  problem: string | null;
}

export const command = leaf({
  name: "status",
  description: "Show the login state of every configured site\n" +
    "Exits 1 when the selected site (--at, environment, default) is not logged in.",
  options: STATUS_OPTIONS,
  examples: [
    "anaconda auth status",
    "anaconda auth status --at work >/dev/null || anaconda login --at work",
  ],
  run: (options, app) => runStatus(options, app),
});

const STATE_TEXT: Record<LoginState, string> = {
  "logged-in": "yes",
  "not-logged-in": "no",
  expired: "expired",
  invalid: "invalid key",
  error: "error",
};

/** The row state of a key state. */
const LOGIN_STATE: Record<KeyState, LoginState> = {
  valid: "logged-in",
  missing: "not-logged-in",
  expired: "expired",
  invalid: "invalid",
};

/** The user's name in a key's claims: `username`, `preferred_username`, else `email`. */
function claimedUsername(claims: Record<string, unknown> | null): string | null {
  for (const claim of ["username", "preferred_username", "email"]) {
    const value = claims?.[claim];
    if (typeof value === "string" && value !== "") return value;
  }
  return null;
}

function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, "Z");
}

/** Where a site's configured key comes from: `api_key` or `keyring`, and its source. */
interface ConfiguredKey {
  field: "api_key" | "keyring";
  /** `environment variable ANACONDA_AUTH_API_KEY`, `<path> in [plugin.auth] for api_key`. */
  source: string;
}

/** A row of the table, and whether its key is configured (env, file) rather than stored. */
interface Checked {
  row: SiteStatus;
  fromConfig: boolean;
}

async function siteStatus(
  app: App,
  config: SiteConfig,
  configuredKey: (config: SiteConfig) => ConfiguredKey,
  selected: boolean,
): Promise<Checked> {
  const { lookupToken } = await import("../../token/tokens.ts");
  const { apiKeyExpiry, apiKeyState, decodeJwtPayload } = await import(
    "../../token/token_info.ts"
  );
  const row: SiteStatus = {
    site: config.site,
    domain: config.domain,
    selected,
    logged_in: false,
    state: "not-logged-in",
    storage: null,
    username: null,
    expires_at: null,
    problem: null,
  };
  let found;
  try {
    found = await lookupToken(app.context, config);
  } catch (err) {
    const message = errorMessage(err);
    app.context.stderr.write(`Warning: ${config.site}: ${message}\n`);
    return { row: { ...row, state: "error", problem: message }, fromConfig: false };
  }
  const { fromConfig } = found;
  if (found.status === "missing") return { row, fromConfig };
  const configured = fromConfig ? configuredKey(config) : undefined;
  const storage = configured ? `config ${configured.field} (${configured.source})` : found.storage;
  if (found.status === "unreadable") {
    return { row: { ...row, state: "invalid", storage, problem: found.reason }, fromConfig };
  }
  const { info } = found;
  const expiry = info.api_key === null ? null : apiKeyExpiry(info.api_key);
  // A key that is not a JWT with an exp claim is no login, configured or stored (as in
  // `auth login`): its expiry cannot be known, and the service refuses what it did not issue.
  const state = apiKeyState(info, app.context.clock.now());
  const key = configured ? `The API key from ${configured.source}` : "The stored API key";
  const problem = state === "invalid"
    ? `${key} is not a valid API key (not a JWT with an exp claim)`
    : state === "expired" && expiry !== null
    ? `${key} expired on ${isoSeconds(expiry)}`
    : null;
  return {
    row: {
      ...row,
      logged_in: state === "valid",
      state: LOGIN_STATE[state],
      storage,
      // The stored name, else the key's claims; never a network call.
      username: info.username ??
        claimedUsername(info.api_key === null ? null : decodeJwtPayload(info.api_key)),
      expires_at: expiry === null ? null : isoSeconds(expiry),
      problem,
    },
    fromConfig,
  };
}

/**
 * What to tell the user when the selected site is not logged in, as `gh auth status`
 * does: why, and the command that fixes it. `site`: the name `--at` takes, or null when
 * the site is a domain from the environment that no site has.
 */
export function notLoggedInText(checked: Checked, site: string | null): string {
  const { row, fromConfig } = checked;
  const shown = row.site === row.domain ? row.site : `${row.site} (${row.domain})`;
  const why = oneSentence(row.problem ?? `You are not logged in to ${shown}`);
  if (fromConfig && row.state !== "not-logged-in") {
    // A login would not help: the configured key is used before a stored one.
    return `${why}\nReplace it with a valid API key, or remove it and log in.\n`;
  }
  return `${why}\n${loginHint(site)}`;
}

/** `text` with control characters escaped and a final full stop. */
function oneSentence(text: string): string {
  const shown = escapeControl(text);
  return shown.endsWith(".") ? shown : `${shown}.`;
}

/** Collects the state of every site, prints it, and throws a silent exit 1 if needed. */
export async function runStatus(options: StatusOptions, app: App): Promise<void> {
  const settings = await app.settings();
  const selected = settings.site();
  const { describeSource } = await import("../../config/schema.ts");
  const configuredKey = (config: SiteConfig): ConfiguredKey => {
    const field = config.keyring !== null ? "keyring" : "api_key";
    return { field, source: describeSource(settings.sourcesOf(config)[field]) };
  };
  const sites = settings.allSites();
  // The selected site is one of the configured ones, or (selected by a domain no site
  // has) a row of its own; a configured site with the same domain stands for it.
  const sameSite = (config: SiteConfig) =>
    config.site === selected.site && config.domain === selected.domain;
  const sameDomain = (config: SiteConfig) => config.domain === selected.domain;
  const isSelected = sites.some(sameSite) ? sameSite : sites.some(sameDomain) ? sameDomain : null;
  if (isSelected === null) sites.push(selected);
  const checked: Checked[] = [];
  for (const config of sites) {
    const chosen = isSelected === null ? config === selected : isSelected(config);
    checked.push(await siteStatus(app, config, configuredKey, chosen));
  }
  const rows = checked.map((item) => item.row);
  const { stdout } = app.context;
  if (options.json) {
    const { writeJson } = await import("../framework/output.ts");
    writeJson(stdout, rows);
  } else {
    const { CHECK, renderTable, tableStyle } = await import("../framework/output.ts");
    stdout.write(renderTable(
      ["Site", "Domain", "Selected", "Logged in", "Storage", "Username", "Key expires"],
      rows.map((row) => [
        row.site,
        row.domain,
        row.selected ? CHECK : "",
        STATE_TEXT[row.state],
        row.storage ?? "",
        row.username ?? "",
        row.expires_at ?? "",
      ]),
      tableStyle(stdout, app.context.env),
    ));
  }
  const chosen = checked.find((item) => item.row.selected);
  if (chosen?.row.logged_in) return;
  // The state error row has said what went wrong already (a warning).
  if (chosen && chosen.row.state !== "error") {
    const site = isSelected === null ? null : chosen.row.site;
    app.context.stderr.write(notLoggedInText(chosen, site));
  }
  const { SilentExitError } = await import("../framework/errors.ts");
  throw new SilentExitError();
}
