/**
 * The exchange of an access token for an Anaconda API key (docs/behaviour.md, "The API key").
 * @module
 */
import { authDomain, type SiteConfig } from "../config/schema.ts";
import { VERSION } from "../version.ts";
import { AuthenticationError } from "./errors.ts";
import { jsonObject, type Send, stringField, throwIfAborted } from "./http.ts";
import { errorMessage } from "../errors.ts";
import { hasControlChars } from "../text.ts";

export const API_KEY_SCOPES = ["cloud:read", "cloud:write", "repo:read"];

/** The two places that issue API keys, in the order they are tried. */
export function apiKeyUrls(config: SiteConfig): string[] {
  return [
    `https://${authDomain(config)}/api/auth/api-keys`,
    `https://${config.domain}/api/iam/api-keys`,
  ];
}

/** `POST`s the access token to each URL in turn; the first 201 gives the key. */
export async function exchangeForApiKey(
  send: Send,
  config: SiteConfig,
  options: { accessToken: string; signal?: AbortSignal },
): Promise<string> {
  const body = JSON.stringify({ scopes: API_KEY_SCOPES, tags: [`anaconda-auth/v${VERSION}`] });
  const failures: string[] = [];
  for (const url of apiKeyUrls(config)) {
    let response: Response;
    try {
      response = await send(url, {
        method: "POST",
        headers: {
          Authorization: `Bearer ${options.accessToken}`,
          "Content-Type": "application/json",
          Accept: "application/json",
        },
        body,
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (err) {
      throwIfAborted(options.signal);
      failures.push(`${url}: ${errorMessage(err)}`);
      continue;
    }
    const json = await jsonObject(response);
    const apiKey = stringField(json, "api_key");
    // The key becomes a header: one that could not be sent is refused now, not stored.
    if (response.status === 201 && apiKey && (/\s/.test(apiKey) || hasControlChars(apiKey))) {
      failures.push(`${url} answered an api_key with spaces or control characters`);
      continue;
    }
    if (response.status === 201 && apiKey) return apiKey;
    failures.push(
      response.status === 201
        ? `${url} answered 201 without an api_key`
        : `${url} answered HTTP ${response.status}`,
    );
  }
  throw new AuthenticationError(`Error retrieving an API key: ${failures.join("; ")}`);
}
