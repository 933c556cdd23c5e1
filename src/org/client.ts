/**
 * The anaconda.org API client (docs/behaviour.md, "anaconda.org"), speaking like
 * anaconda-client's `Binstar` class: its User-Agent and `x-binstar-api-version`, JSON in and
 * out, `Authorization: token <t>`, and its reading of error answers (`{"error": "..."}`).
 * Requests go through the project's HTTP client, so TLS (anaconda-client's `ssl_verify`),
 * proxies, the time limit, body bounds and `--verbose` logging with secrets redacted are the
 * same as everywhere else.
 * @module
 */
import { basicAuthorization } from "../base64.ts";
import type { Context } from "../context.ts";
import { defaultSiteConfig, type SiteConfig } from "../config/schema.ts";
import { AnacondaError } from "../errors.ts";
import { Client } from "../http/client.ts";
import { InsecureHttpError, reasonPhrase, redactUrl } from "../http/errors.ts";
import { isJsonObject } from "../http/json.ts";
import { hasControlChars } from "../text.ts";
import type { OrgConfig } from "./config.ts";
import { OrgApiError, OrgServerError, OrgUnauthorizedError } from "./errors.ts";

/**
 * The anaconda-client release this client presents itself as: the one whose API
 * (Bearer logins, `fail-if-exists`) it implements.
 */
export const ANACONDA_CLIENT_VERSION = "1.13.0";
export const ORG_USER_AGENT = `Anaconda-Client/${ANACONDA_CLIENT_VERSION} (+https://anaconda.org)`;

/** What `POST /authentications` is sent besides the credential. */
export interface AuthenticationRequest {
  /** `binstar_client:<user>@<hostname>`: the server replaces a token of the same note. */
  note: string;
  /** The API URL. */
  noteUrl: string;
  hostname: string;
  /** Fail with 400 when a token with this note exists, instead of replacing it. */
  failIfExists: boolean;
}

/** An anaconda.com API key (Bearer), or a username and password (HTTP Basic). */
export type OrgCredential = { apiKey: string } | { username: string; password: string };

/** The API base anaconda-client derives from `url`: a scheme added, no trailing slash. */
export function apiBase(url: string): string {
  const withScheme = /^https?:\/\//.test(url) ? url : `https://${url}`;
  return withScheme.replace(/\/+$/, "");
}

/** The longest token accepted from the server: anaconda.org's are about 40 characters. */
const MAX_TOKEN_LENGTH = 4096;

/** The site settings the HTTP client needs for the API: its host and anaconda-client's TLS. */
function apiSiteConfig(context: Context, config: OrgConfig, base: string): SiteConfig {
  return {
    ...defaultSiteConfig(context.homeDir()),
    site: "anaconda.org",
    domain: new URL(base).host,
    ssl_verify: config.sslVerify,
  };
}

export interface OrgClientOptions {
  /** Sent as `Authorization: token <t>` where a token is needed (logout, whoami). */
  token?: string;
  /** Log each request to stderr, secrets redacted (`--verbose`). */
  verbose?: boolean;
  /** Aborts every request of this client (a caller's own time limit). */
  signal?: AbortSignal;
}

/** A client of one anaconda.org API. Call `close()` when done. */
export class OrgClient {
  readonly config: OrgConfig;
  /** The API base URL (`https://api.anaconda.org`). */
  readonly base: string;
  #client: Client;
  #token: string | undefined;
  #signal: AbortSignal | undefined;

  constructor(context: Context, config: OrgConfig, options: OrgClientOptions = {}) {
    this.config = config;
    this.base = apiBase(config.url);
    this.#token = options.token;
    this.#signal = options.signal;
    this.#client = new Client({
      context,
      config: apiSiteConfig(context, config, this.base),
      userAgent: ORG_USER_AGENT,
      verbose: options.verbose ?? false,
      sslVerifySource: config.sslVerifySource,
    });
  }

  /** Sends a request with anaconda-client's headers; `authorization` replaces the token. */
  #send(
    method: string,
    path: string,
    options: { body?: unknown; authorization?: string } = {},
  ): Promise<Response> {
    const headers = new Headers({
      "x-binstar-api-version": ANACONDA_CLIENT_VERSION,
      "Content-Type": "application/json",
      Accept: "application/json",
    });
    const authorization = options.authorization ??
      (this.#token === undefined ? undefined : `token ${this.#token}`);
    if (authorization !== undefined) headers.set("Authorization", authorization);
    return this.#client.request(`${this.base}${path}`, {
      method,
      headers,
      ...(this.#signal === undefined ? {} : { signal: this.#signal }),
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
  }

  /** Throws anaconda-client's error for a status outside `allowed` (the body is consumed). */
  async #check(response: Response, method: string, allowed: number[] = [200]): Promise<void> {
    if (allowed.includes(response.status)) return;
    let serverMessage: string | null = null;
    try {
      const body: unknown = JSON.parse(await response.text());
      if (isJsonObject(body) && typeof body.error === "string") serverMessage = body.error;
    } catch (err) {
      // Not JSON: the status says it. A timeout or a lost connection says more.
      if (err instanceof AnacondaError) throw err;
    }
    const status = `HTTP ${response.status} ${reasonPhrase(response.status, response.statusText)}`;
    const request = `${method} ${redactUrl(response.url)}`;
    const message = serverMessage === null
      ? `${request} answered ${status}`
      : `${serverMessage} (${request}: ${status})`;
    const ErrorClass = response.status === 401 ? OrgUnauthorizedError : OrgApiError;
    throw new ErrorClass(message, { status: response.status, serverMessage });
  }

  /** The JSON object of a 200 answer, else anaconda-client's error. */
  async #json(
    method: string,
    path: string,
    options: { body?: unknown; authorization?: string } = {},
  ): Promise<Record<string, unknown>> {
    const response = await this.#send(method, path, options);
    await this.#check(response, method);
    const value = await this.#client.readJson(response);
    if (!isJsonObject(value)) {
      throw new OrgApiError(`${method} ${redactUrl(response.url)} did not answer a JSON object`);
    }
    return value;
  }

  /**
   * `HEAD <url>`: fails with "API server is unavailable" when nothing answers or the
   * answer is 404 (anaconda-client's `check_server`), naming the URL and its source.
   */
  async checkServer(): Promise<void> {
    const unavailable = (cause?: unknown) =>
      new OrgServerError(
        "API server is unavailable. Please check your API url configuration " +
          `(url ${this.config.url} from ${this.config.urlSource})` +
          (cause instanceof Error ? `: ${cause.message}` : ""),
        { cause },
      );
    let response: Response;
    try {
      response = await this.#send("HEAD", "");
    } catch (err) {
      // Refused before sending: the server was not asked, so it is not "unavailable".
      if (err instanceof InsecureHttpError) throw err;
      throw unavailable(err);
    }
    if (response.status === 404) {
      await response.body?.cancel();
      throw unavailable();
    }
    await this.#check(response, "HEAD");
  }

  /** `authorization_endpoint` of the API's OIDC discovery document (the anaconda.com login). */
  async authorizationEndpoint(): Promise<string> {
    const path = "/.well-known/openid-configuration";
    const body = await this.#json("GET", path);
    const endpoint = body.authorization_endpoint;
    if (typeof endpoint !== "string" || !URL.canParse(endpoint)) {
      throw new OrgApiError(`${this.base}${path} has no valid authorization_endpoint`);
    }
    return endpoint;
  }

  /** `GET /authentication-type` (`password`, `kerberos`); `password` when it fails. */
  async authenticationType(): Promise<string> {
    try {
      const body = await this.#json("GET", "/authentication-type");
      return typeof body.authentication_type === "string" ? body.authentication_type : "password";
    } catch (err) {
      if (err instanceof OrgApiError) return "password";
      throw err;
    }
  }

  /** `POST /authentications` with the credential; returns the new token. */
  async authenticate(credential: OrgCredential, request: AuthenticationRequest): Promise<string> {
    const authorization = "apiKey" in credential
      ? `Bearer ${credential.apiKey}`
      : basicAuthorization(credential.username, credential.password);
    const body = await this.#json("POST", "/authentications", {
      authorization,
      body: {
        scopes: null,
        note: request.note,
        note_url: request.noteUrl,
        hostname: request.hostname,
        user: null,
        "max-age": null,
        strength: "strong",
        "fail-if-exists": request.failIfExists,
      },
    });
    const token = body.token;
    if (
      typeof token !== "string" || token === "" || token.length > MAX_TOKEN_LENGTH ||
      /\s/.test(token) || hasControlChars(token)
    ) {
      throw new OrgApiError(`POST ${this.base}/authentications did not answer a token`);
    }
    return token;
  }

  /** `DELETE /authentications`: revokes the token; false when the server did not know it (401). */
  async removeAuthentication(): Promise<boolean> {
    const response = await this.#send("DELETE", "/authentications");
    if (response.status === 401) {
      await response.body?.cancel();
      return false;
    }
    await this.#check(response, "DELETE", [201]);
    await response.body?.cancel();
    return true;
  }

  /** `GET /user`: the account of the token. */
  user(): Promise<Record<string, unknown>> {
    return this.#json("GET", "/user");
  }

  /** Frees the connections of custom TLS or proxy settings. */
  close(): void {
    this.#client.close();
  }
}
