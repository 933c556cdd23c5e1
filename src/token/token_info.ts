/**
 * The token record kept per domain in a keyring (docs/behaviour.md, "The token record"): base64
 * of compact JSON, compatible with the Python tool, plus API-key expiry (D26) and repo tokens.
 * No dependencies, so `auth api-key` and `auth status` stay fast.
 * @module
 */
import { decodeBase64, encodeBase64 } from "../base64.ts";
import { StoreError } from "../errors.ts";
import { hasControlChars, utf8Text } from "../text.ts";

/** A conda repository token of one organisation. */
export interface RepoToken {
  token: string;
  /** The organisation; `""` stands for a record the Python tool wrote without one. */
  org_name: string;
}

/** What is stored for one domain. */
export interface TokenInfo {
  domain: string;
  api_key: string | null;
  username: string | null;
  repo_tokens: RepoToken[];
  version: number;
}

/** The version written by this tool and by the current Python tool. */
export const TOKEN_VERSION = 2;

/** An empty record for `domain`. */
export function newTokenInfo(domain: string): TokenInfo {
  return { domain, api_key: null, username: null, repo_tokens: [], version: TOKEN_VERSION };
}

const encoder = new TextEncoder();

/**
 * The keyring value: standard padded base64 of compact JSON with the fields in the order
 * `domain, api_key, username, repo_tokens, version`, nulls dropped (as pydantic's
 * `model_dump_json(exclude_none=True)`).
 */
export function encodeTokenInfo(info: TokenInfo): string {
  const record: Record<string, unknown> = { domain: info.domain };
  if (info.api_key !== null) record.api_key = info.api_key;
  if (info.username !== null) record.username = info.username;
  record.repo_tokens = info.repo_tokens.map((repo) =>
    repo.org_name === "" ? { token: repo.token } : { token: repo.token, org_name: repo.org_name }
  );
  record.version = info.version;
  return encodeBase64(encoder.encode(JSON.stringify(record)));
}

function optionalString(value: unknown): string | null | undefined {
  if (value === undefined || value === null) return null;
  return typeof value === "string" ? value : undefined;
}

/**
 * Reads a keyring value. A missing `version` is 2 and a missing `domain` is `domain`.
 * Throws a `StoreError` (that never echoes the value) when it is not base64, not JSON
 * or not a token record.
 */
export function decodeTokenInfo(value: string, domain: string): TokenInfo {
  const bytes = decodeBase64(value);
  if (bytes === null) throw new StoreError(`The stored token for ${domain} is not base64`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8Text(bytes));
  } catch {
    throw new StoreError(`The stored token for ${domain} is not JSON`);
  }
  const shapeError = (field: string) =>
    new StoreError(`The stored token for ${domain} is not a token record: bad ${field}`);
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw shapeError("JSON type");
  }
  const record = parsed as Record<string, unknown>;
  const apiKey = optionalString(record.api_key);
  if (apiKey === undefined) throw shapeError("api_key");
  // It becomes a header: refused here, where it is read, rather than by fetch, whose
  // error would quote it.
  if (apiKey !== null && (/\s/.test(apiKey) || hasControlChars(apiKey))) {
    throw new StoreError(
      `The stored API key for ${domain} holds spaces or control characters, which no key has`,
    );
  }
  const username = optionalString(record.username);
  if (username === undefined) throw shapeError("username");
  const storedDomain = optionalString(record.domain);
  if (storedDomain === undefined) throw shapeError("domain");
  let version = TOKEN_VERSION;
  if (record.version !== undefined && record.version !== null) {
    if (typeof record.version !== "number" || !Number.isInteger(record.version)) {
      throw shapeError("version");
    }
    version = record.version;
  }
  const repoTokens: RepoToken[] = [];
  const rawRepoTokens = record.repo_tokens ?? [];
  if (!Array.isArray(rawRepoTokens)) throw shapeError("repo_tokens");
  for (const entry of rawRepoTokens) {
    if (entry === null || typeof entry !== "object") throw shapeError("repo_tokens");
    const { token, org_name } = entry as Record<string, unknown>;
    const org = optionalString(org_name);
    if (typeof token !== "string" || org === undefined) throw shapeError("repo_tokens");
    repoTokens.push({ token, org_name: org ?? "" });
  }
  return {
    domain: storedDomain ?? domain,
    api_key: apiKey,
    username,
    repo_tokens: repoTokens,
    version,
  };
}

/** The JSON payload of a JWT (no signature check), or null when it is not one. */
export function decodeJwtPayload(token: string): Record<string, unknown> | null {
  const parts = token.split(".");
  if (parts.length !== 3 || parts[1] === undefined || parts[1] === "") return null;
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(parts[1])) return null;
  const bytes = decodeBase64(parts[1]);
  if (bytes === null) return null;
  try {
    const payload = JSON.parse(utf8Text(bytes));
    if (payload === null || typeof payload !== "object" || Array.isArray(payload)) return null;
    return payload as Record<string, unknown>;
  } catch {
    return null;
  }
}

/**
 * When the API key expires: its JWT `exp` claim, seconds since the epoch in UTC (D26). Null
 * when the key is not a JWT or has no numeric `exp` ("not a valid API key").
 */
export function apiKeyExpiry(apiKey: string): Date | null {
  const payload = decodeJwtPayload(apiKey);
  const exp = payload?.exp;
  if (typeof exp !== "number" || !Number.isFinite(exp)) return null;
  const date = new Date(exp * 1000);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** True when there is no API key, it is not a valid API key, or its `exp` is not after `nowMs`. */
export function isTokenExpired(info: TokenInfo, nowMs: number): boolean {
  if (info.api_key === null) return true;
  const expiry = apiKeyExpiry(info.api_key);
  return expiry === null || expiry.getTime() <= nowMs;
}

/** The state of a record's API key at `nowMs`. */
export type KeyState = "valid" | "expired" | "invalid" | "missing";

export function apiKeyState(info: TokenInfo, nowMs: number): KeyState {
  if (info.api_key === null) return "missing";
  const expiry = apiKeyExpiry(info.api_key);
  if (expiry === null) return "invalid";
  return expiry.getTime() <= nowMs ? "expired" : "valid";
}

/** The repo token of `orgName`, or null. */
export function getRepoToken(info: TokenInfo, orgName: string): string | null {
  return info.repo_tokens.find((repo) => repo.org_name === orgName)?.token ?? null;
}

/** A copy of `info` with the repo token of `orgName` set (replacing any earlier one). */
export function setRepoToken(info: TokenInfo, orgName: string, token: string): TokenInfo {
  const others = info.repo_tokens.filter((repo) => repo.org_name !== orgName);
  return { ...info, repo_tokens: [...others, { token, org_name: orgName }] };
}

/** A copy of `info` without the repo token of `orgName`. */
export function deleteRepoToken(info: TokenInfo, orgName: string): TokenInfo {
  return { ...info, repo_tokens: info.repo_tokens.filter((repo) => repo.org_name !== orgName) };
}
