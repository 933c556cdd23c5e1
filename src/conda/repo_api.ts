/**
 * The repo-token API of an Anaconda site (docs/behaviour.md, "The repo-token API"), through the
 * site's `Client` (Bearer API key): the user's organizations, those with a business
 * subscription, the current repo token of an organization, and issuing a new one.
 * @module
 */
import type { Client } from "../http/client.ts";
import { UnexpectedResponseError } from "../http/errors.ts";
import { isJsonObject } from "../http/json.ts";

/** An organization of the user. */
export interface Organization {
  id: string;
  /** The slug used in URLs and `--org`. */
  name: string;
  title: string;
}

/** The current repo token of an organization (its value is never returned). */
export interface RepoTokenInfo {
  id: string;
  /** As the API sends it: `2025-01-01T00:00:00`. */
  expires_at: string;
}

/** A newly issued repo token. */
export interface IssuedRepoToken {
  token: string;
  expires_at: string;
}

function notShaped(url: string, what: string): UnexpectedResponseError {
  return new UnexpectedResponseError(url, `is not ${what}`);
}

function stringFields<K extends string>(
  value: unknown,
  keys: readonly K[],
): Record<K, string> | null {
  if (!isJsonObject(value)) return null;
  for (const key of keys) if (typeof value[key] !== "string") return null;
  return value as Record<K, string>;
}

function tokenPath(org: string): string {
  return `/api/organizations/${encodeURIComponent(org)}/ce/current-token`;
}

/** `GET /api/organizations/my`: every organization of the user. */
export async function organizations(client: Client): Promise<Organization[]> {
  const path = "/api/organizations/my";
  const response = await client.request(path);
  await client.raiseForStatus(response);
  const body = await client.readJson(response);
  const fields = ["id", "name", "title"] as const;
  if (!Array.isArray(body)) throw notShaped(client.url(path), "a list of organizations");
  return body.map((item) => {
    const org = stringFields(item, fields);
    if (org === null) throw notShaped(client.url(path), "a list of organizations");
    return { id: org.id, name: org.name, title: org.title };
  });
}

/**
 * The organizations with a business subscription: those whose id has a subscription in
 * `/api/account` with a `product_code` that does not contain `starter`.
 */
export async function businessOrganizations(client: Client): Promise<Organization[]> {
  const [orgs, account] = await Promise.all([organizations(client), client.account()]);
  const subscriptions = Array.isArray(account.subscriptions) ? account.subscriptions : [];
  const business = new Set(
    subscriptions.map((item) => stringFields(item, ["org_id", "product_code"] as const))
      .filter((sub) => sub !== null && !sub.product_code.includes("starter"))
      .map((sub) => sub!.org_id.toLowerCase()),
  );
  return orgs.filter((org) => business.has(org.id.toLowerCase()));
}

/** The organization's current repo token, or null when it has none (404). */
export async function currentRepoToken(
  client: Client,
  org: string,
): Promise<RepoTokenInfo | null> {
  const response = await client.request(tokenPath(org));
  if (response.status === 404) {
    await response.body?.cancel();
    return null;
  }
  await client.raiseForStatus(response);
  const info = stringFields(await client.readJson(response), ["id", "expires_at"] as const);
  if (info === null) throw notShaped(client.url(tokenPath(org)), "a repo token's id and expiry");
  return { id: info.id, expires_at: info.expires_at };
}

/** Issues a new repo token for the organization, which revokes its current one. */
export async function issueRepoToken(client: Client, org: string): Promise<IssuedRepoToken> {
  const response = await client.request(tokenPath(org), {
    method: "PUT",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ confirm: "yes" }),
  });
  await client.raiseForStatus(response);
  const issued = stringFields(await client.readJson(response), ["token", "expires_at"] as const);
  if (issued === null) throw notShaped(client.url(tokenPath(org)), "a repo token");
  return { token: issued.token, expires_at: issued.expires_at };
}

/** `2025-01-01T00:00:00` as the Python tool prints it: `2025-01-01 00:00:00`. */
export function formatExpiry(expiresAt: string): string {
  return expiresAt.replace(/^(\d{4}-\d{2}-\d{2})T/, "$1 ");
}
