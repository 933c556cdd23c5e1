/**
 * Loading, saving and deleting the token record of a site, whichever store holds it: the
 * configuration (`api_key`, `keyring`), the file keyring or the OS keyring (docs/behaviour.md,
 * "Token storage"; D24, D27).
 * @module
 */
import type { Context } from "../context.ts";
import type { SiteConfig } from "../config/schema.ts";
import { StoreError, TokenExpiredError, TokenNotFoundError } from "../errors.ts";
import { find, KEYRING_SERVICE, type SecretStore } from "../store/secret_store.ts";
import { openTokenStore } from "../store/token_store.ts";
import {
  apiKeyExpiry,
  apiKeyState,
  decodeTokenInfo,
  encodeTokenInfo,
  isTokenExpired,
  TOKEN_VERSION,
  type TokenInfo,
} from "./token_info.ts";

/** Where `anaconda.com` tokens were kept by older versions of the Python tool. */
export const LEGACY_DOMAINS: Record<string, string[]> = {
  "anaconda.com": ["id.anaconda.cloud", "anaconda.cloud"],
};

/** True when the configuration itself holds the token (`api_key` or `keyring`). */
export function hasConfigToken(config: SiteConfig): boolean {
  return config.api_key !== null || config.keyring !== null;
}

/** The result of looking for a site's token. */
export type TokenLookup =
  | { status: "found"; info: TokenInfo; storage: string; fromConfig: boolean }
  /** A value is stored but cannot be decoded (not base64, not JSON, not a record). */
  | { status: "unreadable"; reason: string; storage: string; fromConfig: boolean }
  /** Nothing stored; `storage` is where a login would put it. */
  | { status: "missing"; storage: string; fromConfig: boolean };

async function readFrom(
  store: SecretStore,
  domain: string,
  fromConfig: boolean,
): Promise<TokenLookup | null> {
  const found = await find(store, KEYRING_SERVICE, domain);
  if (found === null) return null;
  try {
    return {
      status: "found",
      info: decodeTokenInfo(found.secret, domain),
      storage: found.label,
      fromConfig,
    };
  } catch (err) {
    if (!(err instanceof StoreError)) throw err;
    return { status: "unreadable", reason: err.message, storage: found.label, fromConfig };
  }
}

/** Moves a legacy-domain record to `domain` (version 2) and deletes the old entry. */
async function migrate(
  store: SecretStore,
  domain: string,
  context: Context,
): Promise<TokenLookup | null> {
  for (const legacy of LEGACY_DOMAINS[domain] ?? []) {
    const found = await readFrom(store, legacy, false);
    if (found?.status !== "found") continue;
    const info: TokenInfo = { ...found.info, domain, version: TOKEN_VERSION };
    try {
      const storage = await store.set(KEYRING_SERVICE, domain, encodeTokenInfo(info));
      await store.delete(KEYRING_SERVICE, legacy);
      return { status: "found", info, storage, fromConfig: false };
    } catch (err) {
      if (!(err instanceof StoreError)) throw err;
      context.notify({
        level: "warning",
        message: `could not move the token of ${legacy} to ${domain}: ${err.message}`,
      });
      return { ...found, info };
    }
  }
  return null;
}

/**
 * Finds the token of `config`'s site: the configuration (`keyring`, else `api_key`)
 * when it has one, otherwise the store of `preferred_token_storage`; for `anaconda.com`
 * a token under a legacy domain is migrated.
 */
export async function lookupToken(context: Context, config: SiteConfig): Promise<TokenLookup> {
  if (hasConfigToken(config)) {
    const { ConfigKeyring } = await import("./config_keyring.ts");
    const store = new ConfigKeyring(config);
    return (await readFrom(store, config.domain, true)) ??
      { status: "missing", storage: store.label, fromConfig: true };
  }
  const store = await openTokenStore(context, config);
  return (await readFrom(store, config.domain, false)) ??
    (await migrate(store, config.domain, context)) ??
    { status: "missing", storage: store.label, fromConfig: false };
}

/**
 * The stored record of the site, or null. An undecodable value is reported on stderr
 * and treated as missing, so that a new login can replace it.
 */
export async function loadToken(context: Context, config: SiteConfig): Promise<TokenInfo | null> {
  const found = await lookupToken(context, config);
  if (found.status === "found") return found.info;
  if (found.status === "unreadable") {
    context.notify({
      level: "warning",
      message: `${found.reason} (${found.storage}); log in again to replace it`,
    });
  }
  return null;
}

/**
 * The record kept in the site's token store, never the configuration's `api_key` or
 * `keyring`: what a save would replace. Null when there is none; an undecodable value
 * is a `StoreError`.
 */
export async function loadStoredToken(
  context: Context,
  config: SiteConfig,
): Promise<TokenInfo | null> {
  if (!hasConfigToken(config)) return await loadToken(context, config);
  const store = await openTokenStore(context, config);
  const value = await store.get(KEYRING_SERVICE, config.domain);
  return value === null ? null : decodeTokenInfo(value, config.domain);
}

/**
 * Saves the record under its domain in the site's token store and returns where it went,
 * e.g. `file keyring ~/.anaconda/keyring`. The configuration is never written: with
 * `api_key` set in the configuration, that key is not copied into the store.
 */
export async function saveToken(
  context: Context,
  config: SiteConfig,
  info: TokenInfo,
): Promise<string> {
  const record = config.api_key !== null && info.api_key === config.api_key
    ? { ...info, api_key: null }
    : info;
  const store = await openTokenStore(context, config);
  return await store.set(KEYRING_SERVICE, record.domain, encodeTokenInfo(record));
}

/**
 * Deletes the site's stored record (for `anaconda.com` also the legacy domains); true when
 * something was deleted. A key in the configuration is not touched (D24).
 */
export async function removeToken(context: Context, config: SiteConfig): Promise<boolean> {
  const store = await openTokenStore(context, config);
  let deleted = false;
  for (const domain of [config.domain, ...(LEGACY_DOMAINS[config.domain] ?? [])]) {
    if (await store.delete(KEYRING_SERVICE, domain)) deleted = true;
  }
  return deleted;
}

/**
 * The API key to send as Bearer: the configured `api_key` (no expiry check), else the
 * stored key when it is a valid, unexpired API key; null otherwise.
 */
export async function currentApiKey(context: Context, config: SiteConfig): Promise<string | null> {
  if (config.api_key !== null) return config.api_key;
  const info = await loadToken(context, config);
  if (info === null || isTokenExpired(info, context.clock.now())) return null;
  return info.api_key;
}

/**
 * The message of `TokenNotFoundError` shown by the CLI (docs/behaviour.md, "Messages kept from
 * the Python tool").
 */
export const LOGIN_REQUIRED_MESSAGE = "Login is required to complete this action.";
/** The message of `TokenExpiredError` shown by the CLI (D25). */
export const TOKEN_EXPIRED_MESSAGE = "Your login token has expired";

/**
 * The API key for `auth api-key`: the configured `api_key`, else the stored one. Throws
 * `TokenNotFoundError` when there is none and `TokenExpiredError` when it has expired or is not
 * a valid API key (D26).
 */
export async function requireApiKey(context: Context, config: SiteConfig): Promise<string> {
  if (config.api_key !== null) {
    // A configured key is used as it is, unless it is a JWT whose exp has passed.
    const expiry = apiKeyExpiry(config.api_key);
    if (expiry !== null && expiry.getTime() <= context.clock.now()) {
      throw new TokenExpiredError(TOKEN_EXPIRED_MESSAGE);
    }
    return config.api_key;
  }
  const info = await loadToken(context, config);
  if (info === null || info.api_key === null) throw new TokenNotFoundError(LOGIN_REQUIRED_MESSAGE);
  switch (apiKeyState(info, context.clock.now())) {
    case "valid":
      return info.api_key;
    case "invalid":
      throw new TokenExpiredError(
        `The stored API key of ${config.domain} is not a valid API key (not a JWT with an exp claim); log in again`,
      );
    default:
      throw new TokenExpiredError(TOKEN_EXPIRED_MESSAGE);
  }
}
