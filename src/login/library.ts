/**
 * The TypeScript library's entry points, mirroring the Python package's: `login()`,
 * `logout()`, `isLoggedIn()`, `getApiKey()` and a `Client` that adds the site's
 * credentials and headers to `fetch`. They read the same config, keyring and
 * environment as the CLI; `mod.ts` publishes them.
 * @module
 */
import { type Context, denoContext } from "../context.ts";
import { describeFieldSource, loadSettings } from "../config/load.ts";
import { normalizeDomain, type SiteConfig } from "../config/schema.ts";
import type { Account } from "../http/account.ts";
import { Client as HttpClient, type RequestOptions } from "../http/client.ts";
import { currentApiKey, loadToken, removeToken, requireApiKey } from "../token/tokens.ts";
import { apiKeyState } from "../token/token_info.ts";
import type { DeviceAuthorization } from "./device_flow.ts";

/** Which site to act on, and settings to override for this call. */
export interface SiteOptions {
  /** A configured site's name or domain, as `--at` takes; default: the default site. */
  site?: string;
  /** Use this domain instead of the site's (as `ANACONDA_AUTH_DOMAIN` does). */
  domain?: string;
  /** `true`, `false`, `"truststore"` or the path of a CA bundle. */
  sslVerify?: boolean | string;
  /** Extra headers for every request. */
  extraHeaders?: Record<string, string>;
  /** The outside world (environment, files, terminal); default: this process. */
  context?: Context;
}

/** The site's effective settings with the call's overrides. */
async function resolveSite(
  options: SiteOptions,
): Promise<{ context: Context; config: SiteConfig; sslVerifySource: string | undefined }> {
  const context = options.context ?? denoContext();
  const settings = await loadSettings(
    context,
    options.site === undefined ? {} : { at: options.site },
  );
  const site = settings.site();
  const sslVerifySource = options.sslVerify !== undefined
    ? "the sslVerify option"
    : describeFieldSource(settings, site, "ssl_verify");
  const config: SiteConfig = { ...site };
  if (options.domain !== undefined) config.domain = normalizeDomain(options.domain);
  if (options.sslVerify !== undefined) config.ssl_verify = options.sslVerify;
  if (options.extraHeaders !== undefined) config.extra_headers = options.extraHeaders;
  return { context, config, sslVerifySource };
}

/**
 * The effective settings of a site: the configuration file, `.env`, the environment and
 * the call's overrides merged, as every command sees them.
 *
 * @example
 * ```ts
 * import { loadConfig } from "./mod.ts";
 * const config = await loadConfig({ site: "work" });
 * console.log(config.domain, config.ssl_verify);
 * ```
 */
export async function loadConfig(options: SiteOptions = {}): Promise<SiteConfig> {
  return (await resolveSite(options)).config;
}

/** Options of `login()`. */
export interface LoginOptions extends SiteOptions {
  /** Log in again even when a valid key is stored. */
  force?: boolean;
  /**
   * Receives the device code to show (RFC 8628). Without it the instructions are
   * printed on stderr, as the Python library does.
   */
  onDeviceCode?: (authorization: DeviceAuthorization) => void;
}

/**
 * Logs in to the site (device flow, or the browser flow) and stores the API key, like
 * `anaconda login`. With a valid key already stored it does nothing, unless `force`.
 *
 * @example
 * ```ts
 * import { login } from "./mod.ts";
 * await login({ site: "anaconda.com" });
 * ```
 */
export async function login(options: LoginOptions = {}): Promise<void> {
  const { context, config, sslVerifySource } = await resolveSite(options);
  if (!options.force && await isLoggedInTo(context, config)) return;
  const { login: runLogin } = await import("./login.ts");
  const { onDeviceCode } = options;
  await runLogin(context, config, {
    sslVerifySource,
    ...(onDeviceCode ? { presenter: { deviceCode: onDeviceCode } } : {}),
  });
}

/**
 * Removes the site's stored API key (a key in the environment or config file stays).
 * Returns whether one was stored.
 *
 * @example
 * ```ts
 * import { logout } from "./mod.ts";
 * await logout();
 * ```
 */
export async function logout(options: SiteOptions = {}): Promise<boolean> {
  const { context, config } = await resolveSite(options);
  return await removeToken(context, config);
}

async function isLoggedInTo(context: Context, config: SiteConfig): Promise<boolean> {
  const info = await loadToken(context, config);
  return info !== null && apiKeyState(info, context.clock.now()) === "valid";
}

/**
 * Whether the site has a valid, unexpired API key (stored, or configured as a JWT).
 *
 * @example
 * ```ts
 * import { isLoggedIn, login } from "./mod.ts";
 * if (!await isLoggedIn()) await login();
 * ```
 */
export async function isLoggedIn(options: SiteOptions = {}): Promise<boolean> {
  const { context, config } = await resolveSite(options);
  return await isLoggedInTo(context, config);
}

/**
 * The site's API key: the configured one, else the stored one. Throws
 * `TokenNotFoundError` without one and `TokenExpiredError` when it has expired.
 *
 * @example
 * ```ts
 * import { getApiKey } from "./mod.ts";
 * const headers = { Authorization: `Bearer ${await getApiKey()}` };
 * ```
 */
export async function getApiKey(options: SiteOptions = {}): Promise<string> {
  const { context, config } = await resolveSite(options);
  return await requireApiKey(context, config);
}

/** Options of a `Client`: the site, and how to identify the calling application. */
export interface ClientOptions extends SiteOptions {
  /** The key to send as Bearer; default: the site's configured or stored key. */
  apiKey?: string;
  /** `User-Agent`; default: the class's `userAgent`, else `anaconda-auth/<version>`. */
  userAgent?: string;
  /** Sent as `Api-Version`; default: the class's `apiVersion`. */
  apiVersion?: string;
}

/**
 * An HTTP client for an Anaconda site: paths are joined onto `https://<domain>`, and
 * every request carries the API key as Bearer, the User-Agent and the site's extra
 * headers, with the site's TLS, proxy and timeout settings. Non-2xx responses are
 * returned as they are; `account()` raises on them. Subclass it to name your
 * application (Python's `BaseClient._user_agent` and `_api_version`).
 *
 * @example
 * ```ts
 * import { Client } from "./mod.ts";
 *
 * class MyClient extends Client {
 *   protected override userAgent = "my-app/1.0";
 *   protected override apiVersion = "2025.01.01";
 * }
 * const client = new MyClient({ site: "anaconda.com" });
 * try {
 *   const response = await client.get("/api/account");
 *   console.log(response.status, await response.json());
 * } finally {
 *   client.close();
 * }
 * ```
 */
export class Client {
  /** The User-Agent of this class of client; `undefined`: `anaconda-auth/<version>`. */
  protected userAgent: string | undefined = undefined;
  /** The API version this class of client speaks, sent as `Api-Version`. */
  protected apiVersion: string | undefined = undefined;
  readonly #options: ClientOptions;
  #client: Promise<HttpClient> | undefined;

  /** A client for the site of `options` (default: the default site). */
  constructor(options: ClientOptions = {}) {
    this.#options = options;
  }

  /** The underlying client, made at the first request (subclass fields are set by then). */
  #http(): Promise<HttpClient> {
    this.#client ??= resolveSite(this.#options).then(({ context, config, sslVerifySource }) => {
      const { apiKey, userAgent, apiVersion } = this.#options;
      const agent = userAgent ?? this.userAgent;
      const version = apiVersion ?? this.apiVersion;
      return new HttpClient({
        context,
        config,
        apiKey: apiKey ?? (() => currentApiKey(context, config)),
        sslVerifySource,
        ...(agent === undefined ? {} : { userAgent: agent }),
        ...(version === undefined ? {} : { apiVersion: version }),
      });
    });
    return this.#client;
  }

  /** Sends a request; `path` is joined onto the site's URL (absolute URLs pass through). */
  async request(path: string, init: RequestOptions = {}): Promise<Response> {
    return await (await this.#http()).request(path, init);
  }

  /** `GET path`. */
  get(path: string, init: RequestOptions = {}): Promise<Response> {
    return this.request(path, { ...init, method: "GET" });
  }

  /** `POST path`; a `json` value is sent as a JSON body. */
  post(path: string, init: RequestOptions & { json?: unknown } = {}): Promise<Response> {
    return this.request(path, withJson({ ...init, method: "POST" }));
  }

  /** `PUT path`; a `json` value is sent as a JSON body. */
  put(path: string, init: RequestOptions & { json?: unknown } = {}): Promise<Response> {
    return this.request(path, withJson({ ...init, method: "PUT" }));
  }

  /** `DELETE path`. */
  delete(path: string, init: RequestOptions = {}): Promise<Response> {
    return this.request(path, { ...init, method: "DELETE" });
  }

  /** The user's account (`GET /api/account`) with the site's `domain` added. */
  async account(): Promise<Account> {
    return await (await this.#http()).account();
  }

  /** Releases the client's connections. */
  close(): void {
    this.#client?.then((client) => client.close(), () => {});
  }
}

/** `init` with its `json` value as the body and a JSON content type. */
function withJson(init: RequestOptions & { json?: unknown }): RequestOptions {
  const { json, ...rest } = init;
  if (json === undefined) return rest;
  const headers = new Headers(rest.headers);
  if (!headers.has("Content-Type")) headers.set("Content-Type", "application/json");
  return { ...rest, headers, body: JSON.stringify(json) };
}
