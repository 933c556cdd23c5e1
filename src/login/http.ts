/**
 * The small HTTP surface the login flows need: a `Send` function (the HTTP client
 * without auth, which does not throw on an HTTP error status) and body helpers.
 * @module
 */
import { isJsonObject } from "../http/json.ts";

/** Sends one request; throws only when no response arrives (network, TLS, abort). */
export type Send = (url: string, init?: RequestInit) => Promise<Response>;

/** A `POST` with an `application/x-www-form-urlencoded` body. */
export function postForm(fields: Record<string, string>, signal?: AbortSignal): RequestInit {
  return {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
    body: new URLSearchParams(fields).toString(),
    ...(signal ? { signal } : {}),
  };
}

/**
 * The response body as a JSON object, or null when it is not one. A body that cannot be
 * read (too large, too slow, the connection lost) throws the client's error for it.
 */
export async function jsonObject(response: Response): Promise<Record<string, unknown> | null> {
  const text = await response.text();
  try {
    const value: unknown = JSON.parse(text);
    return isJsonObject(value) ? value : null;
  } catch {
    return null;
  }
}

/** A string field of a JSON object, or undefined. */
export function stringField(body: Record<string, unknown> | null, key: string): string | undefined {
  const value = body?.[key];
  return typeof value === "string" ? value : undefined;
}

/** Rethrows the abort reason (e.g. Ctrl-C) instead of the error it caused. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason;
}

/** `error - error_description` of an OAuth error body, or the HTTP status. */
export function oauthErrorText(body: Record<string, unknown> | null, response: Response): string {
  const error = stringField(body, "error");
  if (error === undefined) return `HTTP ${response.status} ${response.statusText}`.trimEnd();
  const description = stringField(body, "error_description");
  return description ? `${error} - ${description}` : error;
}
