/**
 * OIDC discovery: the provider's endpoints, fetched once per cache that the caller
 * passes in (a run, a client); there is no process-wide cache.
 * @module
 */
import type { SiteConfig } from "../config/schema.ts";
import { wellKnownUrl } from "../config/schema.ts";
import { AuthenticationError } from "./errors.ts";
import { jsonObject, type Send, stringField, throwIfAborted } from "./http.ts";

/** The fields of the discovery document the login flows use. */
export interface OidcDiscovery {
  issuer: string | null;
  authorization_endpoint: string;
  token_endpoint: string;
  /** Absent when the provider has no device flow (then the browser flow is used, D28). */
  device_authorization_endpoint: string | null;
  /** RFC 9207: the redirect carries `iss`, which must equal `issuer` (D31). */
  authorization_response_iss_parameter_supported: boolean;
}

/** Discovery documents by URL: one fetch per URL for as long as the cache is kept. */
export type DiscoveryCache = Map<string, Promise<OidcDiscovery>>;

/**
 * Fetches and checks the discovery document of the site's auth domain; with a `cache`,
 * once per URL for the life of that cache.
 */
export function discover(
  send: Send,
  config: SiteConfig,
  options: { cache?: DiscoveryCache; signal?: AbortSignal } = {},
): Promise<OidcDiscovery> {
  const url = wellKnownUrl(config);
  const { cache } = options;
  if (cache === undefined) return fetchDiscovery(send, url, options.signal);
  let pending = cache.get(url);
  if (!pending) {
    pending = fetchDiscovery(send, url, options.signal);
    cache.set(url, pending);
    // A failed fetch is not cached: a later attempt may succeed.
    pending.catch(() => cache.delete(url));
  }
  return pending;
}

async function fetchDiscovery(
  send: Send,
  url: string,
  signal: AbortSignal | undefined,
): Promise<OidcDiscovery> {
  let response: Response;
  try {
    response = await send(url, {
      headers: { Accept: "application/json" },
      ...(signal ? { signal } : {}),
    });
  } catch (err) {
    throwIfAborted(signal);
    throw err;
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new AuthenticationError(
      `OIDC discovery failed: ${url} answered HTTP ${response.status} ${response.statusText}`
        .trimEnd(),
    );
  }
  const body = await jsonObject(response);
  if (body === null) {
    throw new AuthenticationError(`OIDC discovery failed: ${url} did not return a JSON object`);
  }
  const optional = (key: string): string | null => {
    const value = stringField(body, key);
    if (value === undefined) return null;
    if (URL.canParse(value)) return value;
    throw new AuthenticationError(`OIDC discovery failed: ${url} has an invalid ${key}`);
  };
  const required = (key: string): string => {
    const value = optional(key);
    if (value === null) {
      throw new AuthenticationError(`OIDC discovery failed: ${url} has no ${key}`);
    }
    return value;
  };
  return {
    issuer: stringField(body, "issuer") ?? null,
    authorization_endpoint: required("authorization_endpoint"),
    token_endpoint: required("token_endpoint"),
    device_authorization_endpoint: optional("device_authorization_endpoint"),
    authorization_response_iss_parameter_supported:
      body.authorization_response_iss_parameter_supported === true,
  };
}
