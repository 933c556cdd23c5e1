/**
 * The HTTP client of a site (SPEC Part B §4, Part A A11, A12, A18): joins paths onto
 * `https://<domain>`, adds the User-Agent, `X-Client-Hostname`, `Api-Version`,
 * `extra_headers` and Bearer headers, applies the TLS, proxy and timeout settings,
 * and turns failures into one-line errors that name the URL and the cause.
 *
 * @example
 * ```ts
 * const client = new Client({ context, config });
 * try {
 *   const account = await client.getJson("/api/account");
 * } finally {
 *   client.close();
 * }
 * ```
 * @module
 */
import { redactSecret } from "../redact.ts";
import type { Context } from "../context.ts";
import type { SiteConfig } from "../config/schema.ts";
import { VERSION } from "../version.ts";
import {
  AuthenticationMissingError,
  HttpError,
  InvalidAuthenticationError,
  NetworkError,
  type NetworkFailure,
  reasonPhrase,
  redactUrl,
  UnexpectedResponseError,
} from "./errors.ts";
import { clientHostnameHeader } from "./hostname.ts";
import { selectProxy } from "./proxy.ts";
import { createTransport, type TlsSettings, tlsSettings, type Transport } from "./tls.ts";

/** Where the Bearer API key comes from (the token module by default). */
export type ApiKeySource = (context: Context, config: SiteConfig) => Promise<string | null>;

export interface ClientOptions {
  context: Context;
  config: SiteConfig;
  /** Send the site's API key as Bearer (default true). */
  auth?: boolean;
  /** Log each request and response line to stderr, secrets redacted (`--verbose`). */
  verbose?: boolean;
  /** Replaces `anaconda-auth/<version>`. */
  userAgent?: string;
  /** Replaces the Bearer lookup (config `api_key`, else the stored unexpired key). */
  apiKey?: ApiKeySource;
}

/** `fetch` options plus `auth: false` to send no Bearer for this request. */
export interface RequestOptions extends RequestInit {
  auth?: boolean;
}

/** The abort reason of the client's own timeouts (connect + headers, then each body chunk). */
class TimeoutMarker extends Error {
  override name = "TimeoutError";
  constructor(readonly phase: "response" | "body") {
    super("timeout");
  }
}

/** The default Bearer source: `currentApiKey` of the token module. */
async function storedApiKey(context: Context, config: SiteConfig): Promise<string | null> {
  const { currentApiKey } = await import("../token/tokens.ts");
  return currentApiKey(context, config);
}

function errorText(err: unknown): string {
  if (err instanceof Error) {
    const cause = err.cause instanceof Error ? errorText(err.cause) : "";
    const code = (err as { code?: unknown }).code;
    const own = typeof code === "string" && !err.message.includes(code)
      ? `${code}: ${err.message}`
      : err.message;
    return cause && own === "fetch failed" ? cause : cause ? `${own}: ${cause}` : own;
  }
  return String(err);
}

/**
 * What kind of network failure `err` is, and a short description of it without the
 * URL (which the message adds). Works for Deno `fetch` errors and Node socket errors.
 */
export function describeNetworkError(err: unknown, host: string): {
  kind: NetworkFailure;
  detail: string;
} {
  const text = errorText(err)
    .replace(/error sending request for url \([^)]*\):\s*/gi, "")
    .replace(/client error \((Connect|SendRequest)\):\s*/gi, "")
    .trim();
  if (
    /dns error|failed to lookup address|name or service not known|nodename nor servname|no such host|ENOTFOUND|EAI_AGAIN|getaddrinfo/i
      .test(text)
  ) {
    const reason = /:\s*([^:]+?)\s*$/.exec(text)?.[1] ?? text;
    return { kind: "dns", detail: `cannot resolve host ${host} (${reason})` };
  }
  if (/connection refused|ECONNREFUSED/i.test(text)) {
    return { kind: "refused", detail: "connection refused" };
  }
  if (
    /certificate|UnknownIssuer|CaUsedAsEndEntity|NotValidForName|BadSignature|self[- ]signed|CERT_|tls|ssl|handshake/i
      .test(text)
  ) {
    const untrusted =
      /UnknownIssuer|self[- ]signed|unable to (get|verify)|CaUsedAsEndEntity|UNABLE_TO/i
        .test(text);
    const hint = untrusted
      ? '; if the site uses a private CA, set ssl_verify to its PEM file, or to "truststore" for the system store'
      : "";
    return { kind: "tls", detail: `TLS error: ${text}${hint}` };
  }
  if (/proxy/i.test(text)) return { kind: "proxy", detail: `proxy error: ${text}` };
  if (
    /connection reset|ECONNRESET|broken pipe|EPIPE|connection closed|socket hang up|unexpected eof|incomplete message/i
      .test(text)
  ) {
    return { kind: "reset", detail: `the connection was closed unexpectedly (${text})` };
  }
  return { kind: "other", detail: text || "unknown network error" };
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

/** `1.02.3` -> [1, 2, 3] (leading zeros dropped); null unless major.minor.patch. */
export function parseApiVersion(value: string): [number, number, number, string] | null {
  const match = /^\s*v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?\s*$/.exec(
    value,
  );
  if (!match) return null;
  return [Number(match[1]), Number(match[2]), Number(match[3]), match[4] ?? ""];
}

/** Whether `client` is an older API version than `minimum` (semver; unparsable -> false). */
export function isOlderApiVersion(client: string, minimum: string): boolean {
  const a = parseApiVersion(client);
  const b = parseApiVersion(minimum);
  if (a === null || b === null) return false;
  for (let index = 0; index < 3; index++) {
    const x = a[index] as number;
    const y = b[index] as number;
    if (x !== y) return x < y;
  }
  // A pre-release is older than the release: 1.0.0-rc1 < 1.0.0.
  if (a[3] === b[3]) return false;
  if (a[3] === "") return false;
  if (b[3] === "") return true;
  return a[3] < b[3];
}

/** `Min-Api-Version` warnings already shown by this process (like Python's `warnings`). */
const warnedVersions = new Set<string>();

const SENSITIVE_HEADER = /authorization|token|api-key|apikey|secret|password|cookie/i;

/** Header value for logs: credentials show only their last 4 characters (A18). */
function logHeaderValue(name: string, value: string): string {
  if (!SENSITIVE_HEADER.test(name)) return value;
  const scheme = /^(Bearer|Basic|token)\s+(.*)$/i.exec(value);
  return scheme ? `${scheme[1]} ${redactSecret(scheme[2] ?? "")}` : redactSecret(value);
}

/** An HTTP client bound to one site's configuration. Call `close()` when done. */
export class Client {
  readonly context: Context;
  readonly config: SiteConfig;
  /** `https://<domain>` */
  readonly baseUrl: string;
  /** Whether the last request carried an Authorization header. */
  lastRequestHadAuth = false;

  #auth: boolean;
  #verbose: boolean;
  #userAgent: string;
  #apiKeySource: ApiKeySource;
  #apiKey: Promise<string | null> | undefined;
  #tls: Promise<TlsSettings> | undefined;
  #transports = new Map<string, Promise<Transport>>();
  #opened: Transport[] = [];
  #sessionHeaders: [string, string][] | undefined;
  #authSent = new WeakMap<Response, boolean>();
  #urls = new WeakMap<Response, string>();

  constructor(options: ClientOptions) {
    this.context = options.context;
    this.config = options.config;
    this.baseUrl = `https://${options.config.domain}`;
    this.#auth = options.auth ?? true;
    this.#verbose = options.verbose ?? false;
    this.#userAgent = options.userAgent ?? `anaconda-auth/${VERSION}`;
    this.#apiKeySource = options.apiKey ?? storedApiKey;
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
    if (this.config.api_version) headers.push(["Api-Version", this.config.api_version]);
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

  #transport(url: string): Promise<Transport> {
    const proxy = selectProxy(url, this.config.proxy_servers, this.context.env);
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
    if (this.#verbose) this.context.stderr.write(`${line}\n`);
  }

  /**
   * Sends a request to `path` (joined onto the base URL) with the site's headers, TLS,
   * proxy and timeouts. Any HTTP status is returned; a request that gets no response
   * throws a `NetworkError`. An abort through `init.signal` rethrows its reason.
   */
  async request(path: string, init: RequestOptions = {}): Promise<Response> {
    const url = this.url(path);
    const shownUrl = redactUrl(url);
    const { auth, signal: callerSignal, ...rest } = init;
    const headers = new Headers(rest.headers);
    for (const [name, value] of this.sessionHeaders()) {
      if (!headers.has(name)) headers.set(name, value);
    }
    if ((auth ?? this.#auth) && !headers.has("Authorization")) {
      this.#apiKey ??= this.#apiKeySource(this.context, this.config);
      const key = await this.#apiKey;
      if (key) headers.set("Authorization", `Bearer ${key}`);
    }
    const authSent = headers.has("Authorization");
    this.lastRequestHadAuth = authSent;
    const method = (rest.method ?? "GET").toUpperCase();

    const transport = await this.#transport(url);
    const timeoutMs = this.config.timeout * 1000;
    const controller = new AbortController();
    const onCallerAbort = () => controller.abort(callerSignal?.reason);
    if (callerSignal?.aborted) throw callerSignal.reason;
    callerSignal?.addEventListener("abort", onCallerAbort, { once: true });
    const fail = (err: unknown, phase: "response" | "body"): unknown => {
      if (callerSignal?.aborted) return callerSignal.reason;
      if (err instanceof NetworkError) return err;
      const reason = controller.signal.reason;
      if (reason instanceof TimeoutMarker || err instanceof TimeoutMarker) {
        const detail = phase === "response"
          ? `no response within ${seconds(timeoutMs)} (timeout)`
          : `the response stalled for ${seconds(timeoutMs)} (timeout)`;
        return new NetworkError(shownUrl, "timeout", detail);
      }
      const host = new URL(url).host;
      const { kind, detail } = describeNetworkError(err, host);
      // A proxy in the way is part of the cause (it may be the one that refused).
      const proxy = selectProxy(url, this.config.proxy_servers, this.context.env);
      const via = proxy ? ` (through the proxy ${proxy.url})` : "";
      return new NetworkError(shownUrl, kind, `${detail.replaceAll(url, shownUrl)}${via}`, {
        cause: err,
      });
    };

    this.#log(`> ${method} ${shownUrl}`);
    headers.forEach((value, name) => this.#log(`> ${name}: ${logHeaderValue(name, value)}`));
    const started = this.context.clock.now();
    let timer = setTimeout(() => controller.abort(new TimeoutMarker("response")), timeoutMs);
    let response: Response;
    try {
      response = await transport.fetch(url, {
        ...rest,
        method,
        headers,
        signal: controller.signal,
      });
    } catch (err) {
      clearTimeout(timer);
      callerSignal?.removeEventListener("abort", onCallerAbort);
      throw fail(err, "response");
    }
    clearTimeout(timer);
    this.#log(
      `< ${response.status} ${response.statusText} (${this.context.clock.now() - started} ms)`,
    );
    this.#checkMinApiVersion(response);

    let wrapped: Response;
    if (response.body === null) {
      callerSignal?.removeEventListener("abort", onCallerAbort);
      wrapped = response;
    } else {
      // Read timeout: each chunk must arrive within the timeout.
      const reader = response.body.getReader();
      const done = () => {
        clearTimeout(timer);
        callerSignal?.removeEventListener("abort", onCallerAbort);
      };
      const body = new ReadableStream<Uint8Array>({
        async pull(stream) {
          timer = setTimeout(() => controller.abort(new TimeoutMarker("body")), timeoutMs);
          try {
            const chunk = await reader.read();
            clearTimeout(timer);
            if (chunk.done) {
              done();
              stream.close();
            } else {
              stream.enqueue(chunk.value);
            }
          } catch (err) {
            done();
            stream.error(fail(err, "body"));
          }
        },
        async cancel(reason) {
          done();
          await reader.cancel(reason).catch(() => {});
        },
      }, { highWaterMark: 0 });
      wrapped = new Response(body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
      Object.defineProperty(wrapped, "url", { value: response.url || url });
    }
    this.#authSent.set(wrapped, authSent);
    this.#urls.set(wrapped, shownUrl);
    return wrapped;
  }

  #checkMinApiVersion(response: Response): void {
    const minimum = response.headers.get("Min-Api-Version");
    const current = this.config.api_version;
    if (!minimum || !current || warnedVersions.has(`${current} ${minimum}`)) return;
    if (!isOlderApiVersion(current, minimum)) return;
    warnedVersions.add(`${current} ${minimum}`);
    this.context.stderr.write(
      `DeprecationWarning: Client API version is ${current}, minimum supported API version is ${minimum}. You may need to update your client.\n`,
    );
  }

  /**
   * Throws for a non-2xx response: `InvalidAuthenticationError` /
   * `AuthenticationMissingError` for 401/403 `auth_required`, else `HttpError`
   * (`404 Client Error: Not Found for url: <url>`). The body is consumed on error.
   */
  async raiseForStatus(response: Response): Promise<void> {
    if (response.ok) return;
    const url = this.#urls.get(response) ?? redactUrl(response.url);
    let body = "";
    try {
      body = await response.text();
    } catch (err) {
      if (err instanceof NetworkError) throw err;
    }
    if (response.status === 401 || response.status === 403) {
      let code: unknown;
      try {
        code = (JSON.parse(body) as { error?: { code?: unknown } })?.error?.code;
      } catch { /* not JSON */ }
      if (code === "auth_required") {
        const authSent = this.#authSent.get(response) ?? this.lastRequestHadAuth;
        throw authSent
          ? new InvalidAuthenticationError(response.status, url)
          : new AuthenticationMissingError(response.status, url);
      }
    }
    throw new HttpError(response.status, reasonPhrase(response.status, response.statusText), url, {
      body,
    });
  }

  /** The body as JSON; anything else (HTML, empty) is an `UnexpectedResponseError`. */
  async readJson<T = unknown>(response: Response): Promise<T> {
    const url = this.#urls.get(response) ?? redactUrl(response.url);
    const text = await response.text();
    try {
      return JSON.parse(text) as T;
    } catch {
      const type = (response.headers.get("Content-Type") ?? "").split(";")[0]?.trim();
      const what = text.trim() === "" ? "an empty body" : type ? type : "no content type";
      throw new UnexpectedResponseError(
        url,
        `expected JSON but got ${what} (HTTP ${response.status})`,
      );
    }
  }

  /** GET `path`, fail on a non-2xx status, parse the JSON body. */
  async getJson<T = unknown>(path: string, init: RequestOptions = {}): Promise<T> {
    const response = await this.request(path, { ...init, method: init.method ?? "GET" });
    await this.raiseForStatus(response);
    return this.readJson<T>(response);
  }

  /** POST `body` as JSON to `path`, fail on a non-2xx status, parse the JSON answer. */
  async postJson<T = unknown>(path: string, body: unknown, init: RequestOptions = {}): Promise<T> {
    const headers = new Headers(init.headers);
    if (!headers.has("Content-Type")) headers.set("Content-Type", "application/json");
    const response = await this.request(path, {
      ...init,
      method: init.method ?? "POST",
      headers,
      body: JSON.stringify(body),
    });
    await this.raiseForStatus(response);
    return this.readJson<T>(response);
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
