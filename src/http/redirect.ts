/**
 * Redirects, followed by the client itself for every transport (Deno's `fetch`, and
 * `node:https` for `ssl_verify = false`), so that both behave alike and one deadline
 * covers every hop. The rules are those of `fetch` (WHATWG Fetch, "HTTP-redirect
 * fetch"): at most 20 redirects; 303, and 301/302 after a POST, become a GET without a
 * body; the Authorization header is not sent on to another origin.
 * @module
 */
import { redactUrl, UnexpectedResponseError } from "./errors.ts";

export const MAX_REDIRECTS = 20;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Headers that describe a request body, dropped when a redirect drops the body. */
const BODY_HEADERS = ["Content-Type", "Content-Length", "Content-Encoding", "Content-Language"];

/** One request of a chain of redirects. */
export interface Hop {
  url: string;
  method: string;
  headers: Headers;
  body: BodyInit | null;
}

/** Sends one request and returns its response, redirect or not. */
export type SendOnce = (hop: Hop) => Promise<Response>;

/**
 * Sends `first` and follows its redirects (`mode` as in `fetch`: `follow`, `manual`
 * returns the redirect itself, `error` refuses it). Returns the final response and
 * the request that got it.
 */
export async function followRedirects(
  first: Hop,
  sendOnce: SendOnce,
  mode: RequestRedirect = "follow",
): Promise<{ response: Response; hop: Hop }> {
  let hop = first;
  for (let redirects = 0;; redirects++) {
    const response = await sendOnce(hop);
    const location = response.headers.get("Location");
    if (!REDIRECT_STATUSES.has(response.status) || location === null || mode === "manual") {
      return { response, hop };
    }
    await response.body?.cancel().catch(() => {});
    const refuse = (detail: string) => new UnexpectedResponseError(redactUrl(first.url), detail);
    if (mode === "error") throw refuse("is a redirect, and this request does not follow redirects");
    if (redirects >= MAX_REDIRECTS) throw refuse(`redirected more than ${MAX_REDIRECTS} times`);
    hop = nextHop(hop, response.status, location, refuse);
  }
}

/** The request a redirect asks for. */
function nextHop(
  hop: Hop,
  status: number,
  location: string,
  refuse: (detail: string) => Error,
): Hop {
  const target = URL.parse(location, hop.url);
  if (target === null || (target.protocol !== "https:" && target.protocol !== "http:")) {
    throw refuse("redirects to a URL that is not http(s)");
  }
  const headers = new Headers(hop.headers);
  if (target.origin !== new URL(hop.url).origin) headers.delete("Authorization");
  const toGet = (status === 303 && hop.method !== "HEAD") ||
    ((status === 301 || status === 302) && hop.method === "POST");
  if (toGet) {
    for (const name of BODY_HEADERS) headers.delete(name);
    return { url: target.href, method: "GET", headers, body: null };
  }
  if (hop.body instanceof ReadableStream) {
    throw refuse("redirects a request whose body is a stream and cannot be sent again");
  }
  return { url: target.href, method: hop.method, headers, body: hop.body };
}
