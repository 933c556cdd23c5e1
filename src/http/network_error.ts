/**
 * Network-failure classification (docs/behaviour.md, "HTTP client", Failures; D38, D42): turns
 * what `fetch` or a Node socket throws into a `NetworkError` whose one line names the URL and
 * the cause (DNS, refused, TLS, proxy, reset), with a hint for the usual TLS mistake.
 * @module
 */
import { NetworkError, type NetworkFailure } from "./errors.ts";

/** The messages of an error and its causes, joined; the useless `fetch failed` dropped. */
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

const DNS =
  /dns error|failed to lookup address|name or service not known|nodename nor servname|no such host|ENOTFOUND|EAI_AGAIN|getaddrinfo/i;
const REFUSED = /connection refused|ECONNREFUSED/i;
const TLS =
  /certificate|UnknownIssuer|CaUsedAsEndEntity|NotValidForName|BadSignature|self[- ]signed|CERT_|tls|ssl|handshake/i;
const UNTRUSTED =
  /UnknownIssuer|self[- ]signed|unable to (get|verify)|CaUsedAsEndEntity|UNABLE_TO/i;
const RESET =
  /connection reset|ECONNRESET|broken pipe|EPIPE|connection closed|socket hang up|unexpected eof|incomplete message/i;
const PRIVATE_CA_HINT =
  '; if the site uses a private CA, set ssl_verify to its PEM file, or to "truststore" for the system store';

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
  if (DNS.test(text)) {
    const reason = /:\s*([^:]+?)\s*$/.exec(text)?.[1] ?? text;
    return { kind: "dns", detail: `cannot resolve host ${host} (${reason})` };
  }
  if (REFUSED.test(text)) return { kind: "refused", detail: "connection refused" };
  if (TLS.test(text)) {
    const hint = UNTRUSTED.test(text) ? PRIVATE_CA_HINT : "";
    return { kind: "tls", detail: `TLS error: ${text}${hint}` };
  }
  if (/proxy/i.test(text)) return { kind: "proxy", detail: `proxy error: ${text}` };
  if (RESET.test(text)) {
    return { kind: "reset", detail: `the connection was closed unexpectedly (${text})` };
  }
  return { kind: "other", detail: text || "unknown network error" };
}

/**
 * `err` as a `NetworkError` for `url` (shown as `shownUrl`, secrets hidden). A proxy in
 * the way is part of the cause: it may be the one that refused.
 */
export function toNetworkError(
  err: unknown,
  request: { url: string; shownUrl: string; proxyUrl: string | null },
): NetworkError {
  const { kind, detail } = describeNetworkError(err, new URL(request.url).host);
  const via = request.proxyUrl ? ` (through the proxy ${request.proxyUrl})` : "";
  return new NetworkError(
    request.shownUrl,
    kind,
    `${detail.replaceAll(request.url, request.shownUrl)}${via}`,
    { cause: err },
  );
}
