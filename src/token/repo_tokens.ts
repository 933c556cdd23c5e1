/**
 * The repo tokens of a site's record (`repo_tokens`, docs/behaviour.md, "The token record"):
 * listed, saved and removed in the site's token store, next to the API key, which they never
 * disturb.
 * @module
 */
import type { Context } from "../context.ts";
import type { SiteConfig } from "../config/schema.ts";
import {
  deleteRepoToken,
  newTokenInfo,
  type RepoToken,
  setRepoToken,
  type TokenInfo,
} from "./token_info.ts";
import { loadStoredToken, saveToken } from "./tokens.ts";

/** The repo tokens stored for the site, in the order they were saved. */
export async function storedRepoTokens(
  context: Context,
  config: SiteConfig,
): Promise<RepoToken[]> {
  return (await loadStoredToken(context, config))?.repo_tokens ?? [];
}

/** Stores `token` as the repo token of `org` (replacing its old one); returns where it went. */
export async function saveRepoToken(
  context: Context,
  config: SiteConfig,
  org: string,
  token: string,
): Promise<string> {
  const record = (await loadStoredToken(context, config)) ?? newTokenInfo(config.domain);
  return await saveToken(context, config, setRepoToken(record, org, token));
}

/**
 * Removes the repo token of `org`, or all of them when `org` is null, and returns the
 * removed ones (nothing is written when there were none).
 */
export async function removeRepoTokens(
  context: Context,
  config: SiteConfig,
  org: string | null,
): Promise<RepoToken[]> {
  const record = await loadStoredToken(context, config);
  if (record === null) return [];
  const removed = record.repo_tokens.filter((repo) => org === null || repo.org_name === org);
  if (removed.length === 0) return [];
  const kept: TokenInfo = org === null
    ? { ...record, repo_tokens: [] }
    : deleteRepoToken(record, org);
  await saveToken(context, config, kept);
  return removed;
}
