/**
 * What the endpoint groups of the stand-in service share: the logged request they
 * answer, the route shape, the service they belong to, and small response helpers.
 * @module
 */
import type { Credentials } from "./credentials.ts";

export interface DevUser {
  id: string;
  email: string | null;
  username: string;
  first_name: string;
  last_name: string;
}

/** Options every group may read (the live settings object of the server). */
export interface ServiceOptions {
  /** The server's clock, ms since the epoch (default `Date.now`). */
  now?: () => number;
  /** Overrides of the account's user fields. */
  user?: Partial<DevUser>;
  /** Lifetime of issued API keys, seconds (default one year). */
  apiKeyLifetime?: number;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
  /** The parsed body of a form post. */
  form?: Record<string, string>;
  /** The parsed body of a JSON post. */
  json?: unknown;
}

/** One endpoint: `path` is exact, or a pattern whose groups become `params`. */
export interface Route {
  method: string;
  path: string | RegExp;
  handle(request: LoggedRequest, params: string[]): Response | Promise<Response>;
}

/** The running service, as the groups see it. */
export interface Service {
  /** `https://127.0.0.1:<port>` (set once the server listens, before any request). */
  url: string;
  now(): number;
  user(): DevUser;
  credentials: Credentials;
}

export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });
}

/** The Anaconda API's error shape: `{"error": {"code", "message"}}`. */
export function apiError(status: number, code: string, message: string): Response {
  return json(status, { error: { code, message } });
}

export function authRequired(): Response {
  return apiError(401, "auth_required", "Authentication required");
}

export function oauthError(status: number, error: string, description?: string): Response {
  return json(status, description ? { error, error_description: description } : { error });
}

export function html(status: number, body: string): Response {
  return new Response(`<!doctype html><html><body>${body}</body></html>`, {
    status,
    headers: { "Content-Type": "text/html; charset=utf-8" },
  });
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** The credential of an `Authorization: <scheme> <credential>` header, else null. */
export function authorization(request: LoggedRequest, scheme: string): string | null {
  const match = /^(\S+)\s+(.+)$/.exec(request.headers["authorization"] ?? "");
  return match && match[1]!.toLowerCase() === scheme.toLowerCase() ? match[2]! : null;
}

/** A percent-decoded path segment, or null when its escapes are malformed. */
export function decodePathSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

export function bearer(request: LoggedRequest): string | null {
  return authorization(request, "Bearer");
}
