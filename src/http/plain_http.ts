/**
 * Credentials never cross the network in clear text: a request that carries one (an
 * Authorization header, a credential header of `extra_headers`, a token in the URL, a
 * login form) is refused when it would go over plain `http://` to a host other than
 * this machine (127.0.0.0/8, ::1, localhost), unless the user has allowed it with the
 * environment variable `ANACONDA_AUTH_ALLOW_INSECURE_HTTP`. Only the real environment
 * counts, not a `.env` file: a file in a cloned repository must not be able to do it.
 * @module
 */
import { parseBoolWord } from "../config/schema.ts";
import { InsecureHttpError, redactUrl } from "./errors.ts";

/** The one setting that allows credentials over plain HTTP. */
export const ALLOW_INSECURE_HTTP = "ANACONDA_AUTH_ALLOW_INSECURE_HTTP";

/** Header names that carry credentials, whatever their value. */
export const CREDENTIAL_HEADER = /authorization|token|api-?key|secret|password|cookie/i;

/** Whether `hostname` (as `URL.hostname` gives it) is this machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, "").replace(/\.$/, "");
  if (host === "localhost" || host === "::1") return true;
  // IPv4 127.0.0.0/8 (`URL` has already normalised forms like `127.1` or `0x7f.1`).
  const v4 = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (v4) return v4.slice(1).every((part) => Number(part) <= 255);
  // IPv4-mapped IPv6 of 127.0.0.0/8: `::ffff:7f00:1`.
  return /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(host);
}

/** Whether the user allowed credentials over plain HTTP (`ANACONDA_AUTH_ALLOW_INSECURE_HTTP=1`). */
export function insecureHttpAllowed(env: { get(name: string): string | undefined }): boolean {
  return parseBoolWord(env.get(ALLOW_INSECURE_HTTP) ?? "") === true;
}

/** Whether `url` is plain HTTP to another machine. */
export function isPlainHttpToOtherHost(url: string): boolean {
  const parsed = URL.parse(url);
  return parsed !== null && parsed.protocol === "http:" && !isLoopbackHost(parsed.hostname);
}

/** The end of every refusal: why, and the one way to allow it. */
export const INSECURE_HTTP_ADVICE = "anyone on the network between could read it. " +
  `Use an https:// URL, or set ${ALLOW_INSECURE_HTTP}=1 in the environment to allow plain HTTP`;

/** A request as the client is about to send it. */
export interface OutgoingRequest {
  url: string;
  headers: Headers;
  body: unknown;
}

/**
 * What credential `request` carries, for the message, or null when none: the
 * Authorization header, a header named like a credential or listed in `secretHeaders`
 * (the site's `extra_headers`), a token in the URL, or a body (login forms carry codes).
 */
export function carriedCredential(
  request: OutgoingRequest,
  secretHeaders: Iterable<string> = [],
): string | null {
  if (request.headers.has("Authorization")) return "the Authorization header";
  const secret = new Set([...secretHeaders].map((name) => name.toLowerCase()));
  for (const [name] of request.headers) {
    if (CREDENTIAL_HEADER.test(name) || secret.has(name)) return `the header ${name}`;
  }
  if (redactUrl(request.url) !== request.url) return "a credential in the URL";
  if (request.body !== null && request.body !== undefined) return "the request body";
  return null;
}

/**
 * Throws an `InsecureHttpError` when `request` would send a credential over plain HTTP
 * to another machine and the user has not allowed it.
 */
export function refuseCredentialsOverPlainHttp(
  request: OutgoingRequest,
  options: { env: { get(name: string): string | undefined }; secretHeaders?: Iterable<string> },
): void {
  if (!isPlainHttpToOtherHost(request.url) || insecureHttpAllowed(options.env)) return;
  const credential = carriedCredential(request, options.secretHeaders);
  if (credential === null) return;
  throw new InsecureHttpError(
    `Refusing to send ${credential} over plain HTTP to ${redactUrl(request.url)}: ` +
      INSECURE_HTTP_ADVICE,
  );
}
