/**
 * Logging in to anaconda.org as anaconda-client does (docs/behaviour.md, "Login, logout and
 * whoami"): check the server, ask before replacing a stored token, exchange an anaconda.com API
 * key for a token (`POST /authentications` with Bearer), or, where the server refuses Bearer or
 * the user asks for it, the legacy username/password login (HTTP Basic, three tries); then
 * store the token where conda and anaconda-client find it.
 * @module
 */
import type { Context } from "../context.ts";
import type { Settings } from "../config/load.ts";
import { baseName } from "../path.ts";
import { escapeControl } from "../text.ts";
import { InsecureHttpError } from "../http/errors.ts";
import {
  INSECURE_HTTP_ADVICE,
  insecureHttpAllowed,
  isPlainHttpToOtherHost,
} from "../http/plain_http.ts";
import { apiBase, type AuthenticationRequest, OrgClient } from "./client.ts";
import { loadOrgConfig, type OrgConfig, SSL_VERIFY_OPTION } from "./config.ts";
import { anacondaApiKey } from "./credential.ts";
import { OrgApiError, OrgUnauthorizedError } from "./errors.ts";
import { saveToken, storedToken } from "./tokens.ts";

/** The questions a login may ask; the CLI answers them from the terminal or a pipe. */
export interface OrgPrompts {
  /** A yes/no question; `defaultAnswer` for an empty answer. */
  confirm(question: string, defaultAnswer: boolean): Promise<boolean>;
  /** A line (the username); null at end of input. */
  ask(question: string): Promise<string | null>;
  /** A password, not shown while typed; null at end of input. */
  password(question: string): Promise<string | null>;
}

export interface OrgLoginOptions {
  /** This tool's settings: the anaconda.com site whose API key is exchanged. */
  settings: Settings;
  prompts: OrgPrompts;
  /** The name of this machine in the token's note (default: the hostname). */
  hostname?: string;
  /** Legacy login with this username (asked for when missing). */
  username?: string;
  /** Legacy login with this password (asked for when missing or wrong). */
  password?: string;
  /** Replace a stored token, or the server's token of the same note, without asking. */
  force?: boolean;
  /** Overrides anaconda-client's `ssl_verify`. */
  sslVerify?: boolean;
  /** anaconda-client's site to use instead of its `default_site` (the root's `-s`). */
  site?: string | undefined;
  /** Log HTTP requests to stderr, secrets redacted. */
  verbose?: boolean;
}

export interface OrgLoginResult {
  /** The API URL logged in to. */
  url: string;
  /** The token file written. */
  tokenPath: string;
  /** How the token was obtained. */
  via: "api-key" | "password";
}

/** What the server says when it takes no Bearer logins (then the legacy login is used). */
const BEARER_DISABLED = /bearer token authentication is not enabled/i;

/** anaconda-client's legacy-login switch: any non-empty value turns it on. */
const LEGACY_ENV = "ANACONDA_CLIENT_LEGACY_INTERACTIVE_LOGIN";

/** The login name of the user, as Python's `getpass.getuser()` finds it. */
function userName(context: Context): string {
  for (const name of ["LOGNAME", "USER", "LNAME", "USERNAME"]) {
    const value = context.env.get(name);
    if (value) return value;
  }
  return baseName(context.homeDir());
}

/**
 * The token's note, `binstar_client:[<site>:]<user>@<hostname>`: the server replaces an
 * earlier token of the same note, so a login from the same machine supersedes its last.
 */
export function tokenNote(user: string, hostname: string, site: string | null): string {
  const sitePart = site !== null && site !== "binstar" && site !== "anaconda" ? `${site}:` : "";
  return `binstar_client:${sitePart}${user}@${hostname}`;
}

/** Where anaconda.org sends users who forgot their password. */
function forgotPasswordUrl(base: string): string {
  const url = new URL(base);
  const host = url.host.startsWith("api.anaconda.org") ? "anaconda.org" : url.host;
  return `${url.protocol}//${host}/account/forgot_password`;
}

/** Logs in; null when the user declined to replace the stored token. */
export async function orgLogin(
  context: Context,
  options: OrgLoginOptions,
): Promise<OrgLoginResult | null> {
  const loaded = await loadOrgConfig(context, { site: options.site });
  const config: OrgConfig = options.sslVerify === undefined
    ? loaded
    : { ...loaded, sslVerify: options.sslVerify, sslVerifySource: SSL_VERIFY_OPTION };
  // Before anything happens (it may include a login to anaconda.com): a login sends a key.
  if (isPlainHttpToOtherHost(apiBase(config.url)) && !insecureHttpAllowed(context.env)) {
    throw new InsecureHttpError(
      `Refusing to log in to ${escapeControl(config.url)} (url from ${config.urlSource}) ` +
        `over plain HTTP: the login sends an API key or a password, and ${INSECURE_HTTP_ADVICE}`,
    );
  }
  const client = new OrgClient(context, config, { verbose: options.verbose ?? false });
  try {
    await client.checkServer();
    if (!options.force && await storedToken(context, config.url) !== null) {
      context.notify({
        level: "info",
        message: `It appears you are already logged into ${escapeControl(config.url)}\n` +
          "Logging in again will remove the previous token.",
      });
      if (!await options.prompts.confirm("Would you like to continue?", true)) return null;
    }
    const hostname = options.hostname ?? context.hostname();
    const request: AuthenticationRequest = {
      note: tokenNote(userName(context), hostname, config.site),
      noteUrl: config.url,
      hostname,
      failIfExists: false,
    };
    let token: string | null = null;
    const legacy = options.username !== undefined || options.password !== undefined ||
      Boolean(context.env.get(LEGACY_ENV));
    if (!legacy) token = await bearerLogin(context, client, request, options);
    const via = token === null ? "password" : "api-key";
    token ??= await passwordLogin(context, client, request, options);
    const tokenPath = await saveToken(context, config.url, token);
    return { url: config.url, tokenPath, via };
  } finally {
    client.close();
  }
}

/** The token for an anaconda.com API key; null when the server takes no Bearer logins. */
async function bearerLogin(
  context: Context,
  client: OrgClient,
  request: AuthenticationRequest,
  options: OrgLoginOptions,
): Promise<string | null> {
  const { apiKey, domain } = await anacondaApiKey(context, client, options);
  try {
    return await client.authenticate({ apiKey }, request);
  } catch (err) {
    if (!(err instanceof OrgUnauthorizedError)) throw err;
    if (!BEARER_DISABLED.test(err.serverMessage ?? "")) {
      throw new OrgUnauthorizedError(
        `${client.base} refused the API key of ${domain} (${
          err.serverMessage ?? "HTTP 401"
        }): log in there again with anaconda login --at ${domain} --force`,
        { status: 401, serverMessage: err.serverMessage, cause: err },
      );
    }
    context.notify({
      level: "info",
      message: `${client.base} does not accept API keys; logging in with a username and password`,
    });
    return null;
  }
}

/** The legacy login: username and password, three tries (anaconda-client's loop). */
async function passwordLogin(
  context: Context,
  client: OrgClient,
  request: AuthenticationRequest,
  options: OrgLoginOptions,
): Promise<string> {
  const { prompts } = options;
  context.notify({ level: "warning", message: "username/password login is deprecated" });
  if (await client.authenticationType() === "kerberos") {
    throw new OrgApiError(
      `${client.base} uses Kerberos logins, which this tool does not support: use anaconda-client`,
    );
  }
  const username = options.username ?? (await prompts.ask("Username: "))?.trim();
  if (!username) throw new OrgApiError("No username given: type it, or pass --username");
  let password = options.password ?? null;
  for (let attempt = 0; attempt < 3; attempt++) {
    password ??= await prompts.password(`${username}'s Password: `);
    if (password === null) throw new OrgApiError("No password given: type it when asked");
    try {
      return await replacingOldToken(
        context,
        (failIfExists) =>
          client.authenticate({ username, password: password! }, {
            ...request,
            failIfExists,
          }),
        { ...options, hostname: request.hostname },
      );
    } catch (err) {
      if (!(err instanceof OrgUnauthorizedError)) throw err;
      context.notify({
        level: "info",
        // anaconda-client's sentence, kept on purpose (docs/behaviour.md, "Kept on purpose").
        message: "Invalid Username password combination, please try again",
      });
      password = null;
    }
  }
  throw new OrgUnauthorizedError(
    // anaconda-client's sentence, kept on purpose (docs/behaviour.md, "Kept on purpose").
    `Sorry. Please try again (go to ${forgotPasswordUrl(client.base)} to reset your password)`,
  );
}

/**
 * Runs `authenticate` refusing to replace a token of the same note; on the server's 400
 * ("exists"), asks (or, with `force`, goes ahead) and runs it again replacing it.
 */
async function replacingOldToken(
  context: Context,
  authenticate: (failIfExists: boolean) => Promise<string>,
  options: OrgLoginOptions & { hostname: string },
): Promise<string> {
  try {
    return await authenticate(true);
  } catch (err) {
    if (!(err instanceof OrgApiError && err.status === 400)) throw err;
    context.notify({
      level: "info",
      message:
        `It appears you are already logged in from host ${escapeControl(options.hostname)}\n` +
        "Logging in again will remove the previous token. " +
        "(This could cause troubles with virtual machines with the same hostname)\n" +
        'Otherwise you can login again and specify a different hostname with "--hostname"',
    });
    if (!options.force && !await options.prompts.confirm("Would you like to continue?", true)) {
      throw err;
    }
    return await authenticate(false);
  }
}
