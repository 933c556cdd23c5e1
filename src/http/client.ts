/**
 * The HTTP client of a site (docs/behaviour.md, "HTTP client"; D38-D41): joins paths onto
 * `https://<domain>`, adds the User-Agent, `X-Client-Hostname`, `Api-Version`, `extra_headers`
 * and Bearer headers, applies the TLS, proxy and timeout settings, follows redirects, bounds
 * response bodies, and turns failures into one-line errors that name the URL and the cause.
 *
 * Bounds: each request, redirects and body included, must finish within the site's
 * `timeout` (default 30 s); a body may be at most `maxResponseBytes` (default 4 MiB).
 *
 * @example
 * ```ts
 * const client = new Client({ context, config, apiKey: "<api key>" });
 * try {
 *   const account = await client.account();
 * } finally {
 *   client.close();
 * }
 * ```
 * @module
 */
import { AnacondaError, ConfigError } from "../errors.ts";
import { redactSecret } from "../redact.ts";
import { escapeControl } from "../text.ts";
import type { Context } from "../context.ts";
import type { SiteConfig } from "../config/schema.ts";
import { VERSION } from "../version.ts";
import { type Account, anonymousAccount, toAccount } from "./account.ts";
import { warnIfApiTooOld } from "./api_version.ts";
import { formatBytes, guardBody, MAX_RESPONSE_BYTES } from "./body.ts";
import { Deadline } from "./deadline.ts";
import { redactUrl, statusError, UnexpectedResponseError } from "./errors.ts";
import { clientHostnameHeader } from "./hostname.ts";
import { parseJsonBody } from "./json.ts";
import { toNetworkError } from "./network_error.ts";
import { CREDENTIAL_HEADER, refuseCredentialsOverPlainHttp } from "./plain_http.ts";
import { type ProxyChoice, selectProxy } from "./proxy.ts";
import { followRedirects, type Hop } from "./redirect.ts";
import { createTransport, type TlsSettings, tlsSettings, type Transport } from "./tls.ts";
import { warnVerificationOff } from "./tls_notice.ts";

/** Finds the API key to send as Bearer; null or undefined when there is none. */
export type ApiKeyProvider = () => Promise<string | null | undefined>;

export interface ClientOptions {
  context: Context;
  config: SiteConfig;
  /**
   * The API key sent as `Bearer`, or a function that finds it (asked once, at the first
   * request that sends auth). Without it, no Authorization header is added.
   */
  apiKey?: string | ApiKeyProvider;
  /** Log each request and response line to stderr, secrets redacted (`--verbose`). */
  verbose?: boolean;
  /** Replaces `anaconda-auth/<version>`. */
  userAgent?: string;
  /**
   * Sent as `Api-Version`; a `Min-Api-Version` above it in a response gets a warning.
   * A client-library option, not a site field (D8).
   */
  apiVersion?: string;
  /** The largest response body read, in bytes (default 4 MiB). */
  maxResponseBytes?: number;
  /**
   * Where `ssl_verify` came from (`/work/.env for ANACONDA_AUTH_SSL_VERIFY`, `option
   * --no-ssl-verify`...): named in the warning that verification is off.
   */
  sslVerifySource?: string | undefined;
}

/** `fetch` options plus `auth: false` to send no Bearer for this request. */
export interface RequestOptions extends RequestInit {
  /** False: send no API key with this request. */
  auth?: boolean;
}

/** What the client remembers about a response it handed out. */
interface Sent {
  /** The URL that answered (after redirects), secrets hidden. */
  shownUrl: string;
  authSent: boolean;
}

/**
 * Header value for logs: credentials (by name, or a header of `extra_headers`, named in
 * `secretNames` in lower case) show only their last 4 characters.
 */
function logHeaderValue(name: string, value: string, secretNames: Set<string>): string {
  if (!CREDENTIAL_HEADER.test(name) && !secretNames.has(name)) return value;
  const scheme = /^(Bearer|Basic|token)\s+(.*)$/i.exec(value);
  // The end of Basic's base64 is the end of the password: show none of it.
  if (scheme?.[1]?.toLowerCase() === "basic") return `${scheme[1]} ********`;
  return scheme ? `${scheme[1]} ${redactSecret(scheme[2] ?? "")}` : redactSecret(value);
}

/** Runs a header operation; its error (which quotes the value) becomes one that does not. */
function withoutEcho<T>(action: () => T, what: string): T {
  try {
    return action();
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    throw new ConfigError(
      `${what} cannot be sent: it holds characters that HTTP does not allow in a header ` +
        "(control characters, line breaks); its value is not shown",
    );
  }
}

/** An HTTP client bound to one site's configuration. Call `close()` when done. */
export class Client {
  readonly context: Context;
  readonly config: SiteConfig;
  /** `https://<domain>` */
  readonly baseUrl: string;

  #verbose: boolean;
  #userAgent: string;
  #apiVersion: string | undefined;
  /** (current, minimum) API-version pairs already warned about by this client. */
  readonly #apiVersionWarnings = new Set<string>();
  #maxResponseBytes: number;
  #sslVerifySource: string | undefined;
  #apiKeyProvider: ApiKeyProvider | undefined;
  #apiKey: Promise<string | null | undefined> | undefined;
  #tls: Promise<TlsSettings> | undefined;
  #transports = new Map<string, Promise<Transport>>();
  #opened: Transport[] = [];
  #sessionHeaders: [string, string][] | undefined;
  #sent = new WeakMap<Response, Sent>();

  constructor(options: ClientOptions) {
    this.context = options.context;
    this.config = options.config;
    this.baseUrl = `https://${options.config.domain}`;
    this.#verbose = options.verbose ?? false;
    this.#userAgent = options.userAgent ?? `anaconda-auth/${VERSION}`;
    this.#apiVersion = options.apiVersion;
    this.#maxResponseBytes = options.maxResponseBytes ?? MAX_RESPONSE_BYTES;
    this.#sslVerifySource = options.sslVerifySource;
    const { apiKey } = options;
    this.#apiKeyProvider = typeof apiKey === "string" ? () => Promise.resolve(apiKey) : apiKey;
  }

  /** `path` joined onto the base URL like Python's `urljoin`; absolute URLs pass through. */
  url(path: string): string {
    return new URL(path, `${this.baseUrl}/`).href;
  }

  /**
   * The headers every request gets unless it sets them itself: User-Agent, Accept,
   * X-Client-Hostname, Api-Version, then each `extra_headers` entry whose name is not
   * already there in exactly that case (as the Python tool does).
   */
  sessionHeaders(): [string, string][] {
    if (this.#sessionHeaders) return this.#sessionHeaders;
    const headers: [string, string][] = [
      ["User-Agent", this.#userAgent],
      ["Accept", "*/*"],
      [
        "X-Client-Hostname",
        clientHostnameHeader(this.context.hostname(), this.config.hash_hostname),
      ],
    ];
    if (this.#apiVersion) headers.push(["Api-Version", this.#apiVersion]);
    const present = new Set(headers.map(([name]) => name));
    for (const [name, value] of Object.entries(this.config.extra_headers ?? {})) {
      if (present.has(name)) continue;
      // Python's session headers are case-insensitive: `user-agent` replaces User-Agent.
      const same = headers.findIndex(([other]) => other.toLowerCase() === name.toLowerCase());
      if (same >= 0) headers.splice(same, 1);
      headers.push([name, value]);
    }
    this.#sessionHeaders = headers;
    return headers;
  }

  /**
   * Sends a request to `path` (joined onto the base URL) with the site's headers, TLS,
   * proxy and deadline, following redirects. Any HTTP status is returned; its body is
   * bounded in size and time. A request that gets no response throws a `NetworkError`;
   * an abort through `init.signal` rethrows its reason.
   */
  async request(path: string, init: RequestOptions = {}): Promise<Response> {
    const { auth = true, signal, redirect, method, headers, body, ...rest } = init;
    const first: Hop = {
      url: this.url(path),
      method: (method ?? "GET").toUpperCase(),
      headers: await this.#requestHeaders(headers, auth),
      body: body ?? null,
    };
    signal?.throwIfAborted();
    const deadline = new Deadline(this.config.timeout * 1000, signal ?? undefined);
    try {
      const { response, hop } = await followRedirects(
        first,
        (hop) => this.#sendOnce(hop, rest, deadline),
        redirect,
      );
      // The final request decides: a redirect to another origin dropped the key.
      const authSent = hop.headers.has("Authorization");
      warnIfApiTooOld(response.headers, this.#apiVersion ?? null, {
        notify: this.context.notify,
        warned: this.#apiVersionWarnings,
      });
      return this.#bounded(response, { url: hop.url, authSent }, deadline);
    } catch (err) {
      deadline.finish();
      throw err;
    }
  }

  /**
   * The caller's headers, the session headers they lack, and the Bearer when wanted. A
   * name or value that HTTP does not allow is an error that never quotes the value
   * (fetch's own error would: `Invalid header value: "Bearer <key>"`).
   */
  async #requestHeaders(given: HeadersInit | undefined, auth: boolean): Promise<Headers> {
    const headers = withoutEcho(() => new Headers(given), "A request header");
    for (const [name, value] of this.sessionHeaders()) {
      if (headers.has(name)) continue;
      const which = name in (this.config.extra_headers ?? {}) ? " (extra_headers)" : "";
      withoutEcho(() => headers.set(name, value), `The header ${escapeControl(name)}${which}`);
    }
    if (auth && this.#apiKeyProvider && !headers.has("Authorization")) {
      this.#apiKey ??= this.#apiKeyProvider();
      const key = await this.#apiKey;
      if (key) withoutEcho(() => headers.set("Authorization", `Bearer ${key}`), "The API key");
    }
    return headers;
  }

  /** One request of a redirect chain, through the transport of its URL. */
  async #sendOnce(hop: Hop, init: RequestInit, deadline: Deadline): Promise<Response> {
    refuseCredentialsOverPlainHttp(hop, {
      env: this.context.env,
      secretHeaders: Object.keys(this.config.extra_headers ?? {}),
    });
    if (this.config.ssl_verify === false && hop.url.startsWith("https:")) {
      warnVerificationOff(this.context, this.#sslVerifySource);
    }
    const proxy = selectProxy(hop.url, this.config.proxy_servers, this.context.env);
    const transport = await this.#transport(proxy);
    this.#log(`> ${hop.method} ${redactUrl(hop.url)}`);
    // Headers of `extra_headers` may be credentials whatever their names: shown redacted.
    const secretNames = new Set(
      Object.keys(this.config.extra_headers ?? {}).map((name) => name.toLowerCase()),
    );
    hop.headers.forEach((value, name) =>
      this.#log(`> ${name}: ${logHeaderValue(name, value, secretNames)}`)
    );
    const started = this.context.clock.now();
    try {
      const response = await transport.fetch(hop.url, {
        ...init,
        method: hop.method,
        headers: hop.headers,
        body: hop.body,
        signal: deadline.signal,
        redirect: "manual",
      });
      const ms = this.context.clock.now() - started;
      this.#log(`< ${response.status} ${response.statusText} (${ms} ms)`);
      return response;
    } catch (err) {
      throw this.#failure(err, hop.url, proxy, deadline, "response");
    }
  }

  /** The response with its body bounded by the size limit and the deadline. */
  #bounded(response: Response, request: { url: string; authSent: boolean }, deadline: Deadline) {
    const shownUrl = redactUrl(request.url);
    let bounded = response;
    if (response.body === null) {
      deadline.finish();
    } else {
      deadline.release();
      const proxy = selectProxy(request.url, this.config.proxy_servers, this.context.env);
      const maxBytes = this.#maxResponseBytes;
      const body = guardBody(response.body, {
        maxBytes,
        wait: (read) => deadline.wait(read),
        tooLarge: () =>
          new UnexpectedResponseError(shownUrl, `is larger than ${formatBytes(maxBytes)}`),
        failure: (err) => this.#failure(err, request.url, proxy, deadline, "body"),
        settled: () => deadline.finish(),
      });
      bounded = new Response(body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
      Object.defineProperty(bounded, "url", { value: request.url });
    }
    this.#sent.set(bounded, { shownUrl, authSent: request.authSent });
    return bounded;
  }

  /** What a failed send or body read throws: the caller's abort, a timeout, a network error. */
  #failure(
    err: unknown,
    url: string,
    proxy: ProxyChoice | null,
    deadline: Deadline,
    phase: "response" | "body",
  ): unknown {
    if (deadline.callerAborted) return deadline.signal.reason;
    if (err instanceof AnacondaError) return err;
    const shownUrl = redactUrl(url);
    if (deadline.expired) return deadline.timeoutError(shownUrl, phase);
    return toNetworkError(err, { url, shownUrl, proxyUrl: proxy?.url ?? null });
  }

  #transport(proxy: ProxyChoice | null): Promise<Transport> {
    const key = proxy ? `${proxy.url} ${proxy.basicAuth?.username ?? ""}` : "";
    let transport = this.#transports.get(key);
    if (!transport) {
      this.#tls ??= tlsSettings(this.context, this.config);
      transport = this.#tls.then(async (settings) => {
        const created = await createTransport(settings, proxy, this.context.fetch);
        this.#opened.push(created);
        return created;
      });
      this.#transports.set(key, transport);
    }
    return transport;
  }

  #log(line: string): void {
    if (this.#verbose) this.context.notify({ level: "debug", message: line });
  }

  #shownUrl(response: Response): string {
    return this.#sent.get(response)?.shownUrl ?? redactUrl(response.url);
  }

  /**
   * Throws for a non-2xx response: `InvalidAuthenticationError` /
   * `AuthenticationMissingError` for 401/403 `auth_required`, else `HttpError`
   * (`404 Client Error: Not Found for url: <url>`). The body is consumed on error.
   */
  async raiseForStatus(response: Response): Promise<void> {
    if (response.ok) return;
    let body = "";
    try {
      body = await response.text();
    } catch (err) {
      // An oversized error page still gets its status line; a timeout or an abort does not.
      if (err instanceof AnacondaError && !(err instanceof UnexpectedResponseError)) throw err;
    }
    throw statusError(response, {
      url: this.#shownUrl(response),
      body,
      authSent: this.#sent.get(response)?.authSent ?? false,
    });
  }

  /**
   * The body as JSON, `unknown` until the caller has checked its shape; anything else
   * (HTML, empty, invalid) is an `UnexpectedResponseError`.
   */
  async readJson(response: Response): Promise<unknown> {
    const text = await response.text();
    return parseJsonBody(text, {
      url: this.#shownUrl(response),
      status: response.status,
      contentType: response.headers.get("Content-Type"),
    });
  }

  /**
   * The account of the API key (`GET /api/account`) with `"domain"` added, as the
   * Python tool's `Client.account`. When the request fails and no API key was sent,
   * the anonymous account that tool returns.
   */
  async account(): Promise<Account> {
    const response = await this.request("/api/account");
    if (!response.ok && !this.#sent.get(response)?.authSent) {
      await response.body?.cancel();
      return anonymousAccount(this.config.domain);
    }
    await this.raiseForStatus(response);
    return toAccount(await this.readJson(response), this.#shownUrl(response), this.config.domain);
  }

  /** Frees the connections of custom TLS or proxy settings; later requests reopen them. */
  close(): void {
    for (const transport of this.#opened.splice(0)) transport.close();
    this.#transports.clear();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
