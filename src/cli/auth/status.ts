/**
 * `anaconda auth status [--json]`: every configured site, whether it is logged in,
 * where its token is, the username and when the key expires. Exits 1 when the selected
 * site is not logged in (for scripts).
 * @module
 */
import type { App } from "../framework/app.ts";
import { flag, leaf } from "../framework/args.ts";
import type { SiteConfig } from "../../config/schema.ts";
import type { KeyState } from "../../token/token_info.ts";
import { errorMessage } from "../../errors.ts";

export interface StatusOptions {
  json?: boolean;
}

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
  options: { json: flag("--json", "print JSON") },
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

async function siteStatus(
  app: App,
  config: SiteConfig,
  describeStorage: (config: SiteConfig) => string,
  selected: boolean,
): Promise<SiteStatus> {
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
    return { ...row, state: "error", problem: message };
  }
  if (found.status === "missing") return row;
  const storage = found.fromConfig ? describeStorage(config) : found.storage;
  if (found.status === "unreadable") {
    return { ...row, state: "invalid", storage, problem: found.reason };
  }
  const { info } = found;
  const expiry = info.api_key === null ? null : apiKeyExpiry(info.api_key);
  let state = apiKeyState(info, app.context.clock.now());
  // A configured key is sent without an expiry check; only a JWT past its exp is expired.
  if (found.fromConfig && state === "invalid") state = "valid";
  return {
    ...row,
    logged_in: state === "valid",
    state: LOGIN_STATE[state],
    storage,
    // The stored name, else the key's claims; never a network call.
    username: info.username ??
      claimedUsername(info.api_key === null ? null : decodeJwtPayload(info.api_key)),
    expires_at: expiry === null ? null : isoSeconds(expiry),
    problem: state === "invalid" ? "the API key is not a valid API key (no JWT exp claim)" : null,
  };
}

/** Collects the state of every site, prints it, and throws a silent exit 1 if needed. */
export async function runStatus(options: StatusOptions, app: App): Promise<void> {
  const settings = await app.settings();
  const selected = settings.site();
  const { describeSource } = await import("../../config/schema.ts");
  const describeStorage = (config: SiteConfig) => {
    const sources = settings.sourcesOf(config);
    const field = config.keyring !== null ? "keyring" : "api_key";
    return `config ${field} (${describeSource(sources[field])})`;
  };
  const sites = settings.allSites();
  // The selected site is one of the configured ones, or (selected by a domain no site
  // has) a row of its own; a configured site with the same domain stands for it.
  const sameSite = (config: SiteConfig) =>
    config.site === selected.site && config.domain === selected.domain;
  const sameDomain = (config: SiteConfig) => config.domain === selected.domain;
  const isSelected = sites.some(sameSite) ? sameSite : sites.some(sameDomain) ? sameDomain : null;
  if (isSelected === null) sites.push(selected);
  const rows: SiteStatus[] = [];
  for (const config of sites) {
    const chosen = isSelected === null ? config === selected : isSelected(config);
    rows.push(await siteStatus(app, config, describeStorage, chosen));
  }

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
  if (!rows.some((row) => row.selected && row.logged_in)) {
    const { SilentExitError } = await import("../framework/errors.ts");
    throw new SilentExitError();
  }
}
