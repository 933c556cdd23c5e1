/**
 * Errors of the HTTP client: network failures (one line naming the URL and the
 * cause), HTTP status errors in the Python tool's wording, the two `auth_required`
 * login errors, and bodies that are not the JSON the caller expects.
 * @module
 */
import { AnacondaError, LoginRequiredError } from "../errors.ts";

/** What went wrong below HTTP. */
export type NetworkFailure = "dns" | "refused" | "tls" | "timeout" | "reset" | "proxy" | "other";

/** The request never got an HTTP response: DNS, refused, TLS, timeout... */
export class NetworkError extends AnacondaError {
  /** The name printed before the message. */
  override name = "NetworkError";
  /** A fault of the environment: its message says it all (no stack trace, D42). */
  override readonly environmental = true;
  /** The URL of the request (secrets hidden). */
  readonly url: string;
  /** What failed below HTTP. */
  readonly kind: NetworkFailure;
  /** Makes the error; see the class for the message. */
  constructor(url: string, kind: NetworkFailure, detail: string, options?: ErrorOptions) {
    super(`Request to ${url} failed: ${detail}`, options);
    this.url = url;
    this.kind = kind;
  }
}

/**
 * A request would have sent a credential over plain HTTP to another machine (anyone on
 * the way could read it); nothing was sent.
 */
export class InsecureHttpError extends AnacondaError {
  /** The name printed before the message. */
  override name = "InsecureHttpError";
  /** A fault of the configuration: its message says it all (no stack trace). */
  override readonly environmental = true;
}

/** A non-2xx response: `404 Client Error: Not Found for url: <url>`. */
export class HttpError extends AnacondaError {
  /** The name printed before the message. */
  override name = "HTTPError";
  /** The HTTP status code. */
  readonly status: number;
  /** The URL of the request (secrets hidden). */
  readonly url: string;
  /** The response body as text (may be HTML; never shown in the message). */
  readonly body: string;
  /** Makes the error; see the class for the message. */
  constructor(
    status: number,
    reason: string,
    url: string,
    options: ErrorOptions & { body?: string } = {},
  ) {
    const kind = status >= 500 ? "Server" : "Client";
    super(`${status} ${kind} Error: ${reason} for url: ${url}`, options);
    this.status = status;
    this.url = url;
    this.body = options.body ?? "";
  }
}

/** A 401/403 response whose JSON says `{"error": {"code": "auth_required"}}`. */
export abstract class AuthRequiredError extends LoginRequiredError {
  /** The HTTP status code. */
  readonly status: number;
  /** The URL of the request (secrets hidden). */
  readonly url: string;
  /** Makes the error; see the class for the message. */
  constructor(message: string, status: number, url: string) {
    super(message);
    this.status = status;
    this.url = url;
  }
}

/** 401/403 `auth_required` although an Authorization header was sent. */
export class InvalidAuthenticationError extends AuthRequiredError {
  /** The name printed before the message. */
  override name = "InvalidAuthentication";
  /** Makes the error; see the class for the message. */
  constructor(status: number, url: string) {
    // "API Key" capitalised: the Python tool's sentence, kept on purpose (docs/behaviour.md, "Kept
    // on purpose").
    super("Your provided API Key or login token is invalid", status, url);
  }
}

/** 401/403 `auth_required` and no Authorization header was sent. */
export class AuthenticationMissingError extends AuthRequiredError {
  /** The name printed before the message. */
  override name = "AuthenticationMissingError";
  /** Makes the error; see the class for the message. */
  constructor(status: number, url: string) {
    super("Login is required to complete this action.", status, url);
  }
}

/**
 * A response that is not what was asked for: HTML or invalid JSON instead of JSON, the
 * wrong shape, too large, a redirect loop. `detail` completes `Response from <url> ...`.
 */
export class UnexpectedResponseError extends AnacondaError {
  /** The name printed before the message. */
  override name = "UnexpectedResponseError";
  /** The URL of the request (secrets hidden). */
  readonly url: string;
  /** Makes the error; see the class for the message. */
  constructor(url: string, detail: string) {
    super(`Response from ${url} ${detail}`);
    this.url = url;
  }
}

/**
 * The error of a non-2xx response, as the Python tool words it: for 401/403 with
 * `{"error": {"code": "auth_required"}}` one of the two login errors (depending on
 * whether an API key was sent), else `HttpError`. `body` is the response text.
 */
export function statusError(
  response: { status: number; statusText: string },
  request: { url: string; body: string; authSent: boolean },
): AnacondaError {
  const { status } = response;
  if ((status === 401 || status === 403) && errorCode(request.body) === "auth_required") {
    return request.authSent
      ? new InvalidAuthenticationError(status, request.url)
      : new AuthenticationMissingError(status, request.url);
  }
  return new HttpError(status, reasonPhrase(status, response.statusText), request.url, {
    body: request.body,
  });
}

/** `error.code` of a JSON error body, if any. */
function errorCode(body: string): unknown {
  try {
    return (JSON.parse(body) as { error?: { code?: unknown } } | null)?.error?.code;
  } catch {
    return undefined;
  }
}

/** Reason phrases for when the server sends none (HTTP/2 has no reason phrase). */
const REASONS: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  402: "Payment Required",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  408: "Request Timeout",
  409: "Conflict",
  410: "Gone",
  413: "Payload Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Entity",
  429: "Too Many Requests",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** The reason phrase of a status, like Python's `http.HTTPStatus(status).phrase`. */
export function reasonPhrase(status: number, given = ""): string {
  return given || REASONS[status] || "Unknown";
}

const SECRET_QUERY = /token|key|secret|password|^code$|verifier/i;

/**
 * Hides secrets that can appear in URLs: the repo token of `/t/<token>/` paths,
 * user info, and the values of query parameters that carry credentials.
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  let changed = false;
  if (parsed.username || parsed.password) {
    parsed.username = "";
    parsed.password = "";
    changed = true;
  }
  const path = parsed.pathname.replace(/(^|\/)t\/[^/]+/, "$1t/REDACTED");
  if (path !== parsed.pathname) {
    parsed.pathname = path;
    changed = true;
  }
  for (const name of [...parsed.searchParams.keys()]) {
    if (SECRET_QUERY.test(name)) {
      parsed.searchParams.set(name, "REDACTED");
      changed = true;
    }
  }
  return changed ? parsed.href : url;
}
