/**
 * anaconda.org logout and whoami (docs/behaviour.md, "Login, logout and whoami"). Logout
 * revokes the stored token (`DELETE /authentications`; a token the server no longer knows is
 * fine) and removes its files. Whoami reads `GET /user` with `BINSTAR_API_TOKEN`,
 * `ANACONDA_API_TOKEN` or the stored token, in anaconda-client's order.
 * @module
 */
import type { Context } from "../context.ts";
import { hasControlChars } from "../text.ts";
import { OrgClient } from "./client.ts";
import { loadOrgConfig, type OrgConfig, SSL_VERIFY_OPTION } from "./config.ts";
import { OrgNotLoggedInError, OrgUnauthorizedError } from "./errors.ts";
import { checkedToken, envToken, type FoundToken, removeTokens, storedToken } from "./tokens.ts";

export interface OrgRequestOptions {
  /** Overrides anaconda-client's `ssl_verify`. */
  sslVerify?: boolean;
  /** anaconda-client's site to use instead of its `default_site` (the root's `-s`). */
  site?: string | undefined;
  /** A token given on the command line (the root's `-t`): the first token source. */
  token?: string | undefined;
  /** Log HTTP requests to stderr, secrets redacted. */
  verbose?: boolean;
}

async function orgConfig(context: Context, options: OrgRequestOptions): Promise<OrgConfig> {
  const config = await loadOrgConfig(context, { site: options.site });
  return options.sslVerify === undefined
    ? config
    : { ...config, sslVerify: options.sslVerify, sslVerifySource: SSL_VERIFY_OPTION };
}

export interface OrgLogoutResult {
  url: string;
  /** Whether the server revoked the token (false: it did not know it any more). */
  revoked: boolean;
  /** The token files removed. */
  removed: string[];
  /** A token variable that still authenticates (`BINSTAR_API_TOKEN`...), if set. */
  envTokenName: string | null;
}

/** Revokes and removes the stored token; `OrgNotLoggedInError` when there is none. */
export async function orgLogout(
  context: Context,
  options: OrgRequestOptions = {},
): Promise<OrgLogoutResult> {
  const config = await orgConfig(context, options);
  const found = await storedToken(context, config.url);
  const fromEnv = envToken(context);
  if (found === null) {
    throw new OrgNotLoggedInError(
      fromEnv === null
        ? "You are not logged in"
        : `You are not logged in (only ${fromEnv.where} is set, which logout leaves alone)`,
    );
  }
  // A token that cannot be sent cannot be revoked either; its files still go.
  const sendable = !/\s/.test(found.token) && !hasControlChars(found.token);
  const client = new OrgClient(context, config, {
    token: found.token,
    verbose: options.verbose ?? false,
  });
  try {
    const revoked = sendable && await client.removeAuthentication();
    const removed = await removeTokens(context, config.url, found);
    return { url: config.url, revoked, removed, envTokenName: fromEnv?.where ?? null };
  } finally {
    client.close();
  }
}

export interface OrgWhoamiResult {
  url: string;
  /** The account, as `GET /user` returns it. */
  user: Record<string, unknown>;
  /** Where the token came from. */
  token: Omit<FoundToken, "token">;
}

/** The account of the token in use; `OrgNotLoggedInError` when there is none or it is refused. */
export async function orgWhoami(
  context: Context,
  options: OrgRequestOptions = {},
): Promise<OrgWhoamiResult> {
  const config = await orgConfig(context, options);
  const given: FoundToken | null = options.token
    ? { token: options.token, kind: "option", where: "--token" }
    : null;
  const found = given ?? envToken(context) ?? await storedToken(context, config.url);
  if (found === null) throw new OrgNotLoggedInError("You are not logged in");
  checkedToken(found);
  const client = new OrgClient(context, config, {
    token: found.token,
    verbose: options.verbose ?? false,
  });
  try {
    const user = await client.user();
    const { token: _secret, ...source } = found;
    return { url: config.url, user, token: source };
  } catch (err) {
    if (!(err instanceof OrgUnauthorizedError)) throw err;
    throw new OrgNotLoggedInError(
      `${config.url} refused the token from ${found.where} (${
        err.serverMessage ?? "401"
      }): log in again with anaconda login --at anaconda.org`,
    );
  } finally {
    client.close();
  }
}
