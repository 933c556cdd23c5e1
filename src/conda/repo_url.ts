/**
 * The premium repository's URL (`REPO_URL`, SPEC Part B §6): from `CONDA_TOKEN_REPO_URL`,
 * else `https://repo.anaconda.cloud/repo/`; its channel URLs; and where conda puts a
 * repo token in a URL (§6.2).
 * @module
 */
import { ConfigError } from "../errors.ts";

/** The repository of Anaconda's premium channels. */
export const DEFAULT_REPO_URL = "https://repo.anaconda.cloud/repo/";

/** The variable that points `anaconda token` at another repository (tests, mirrors). */
export const REPO_URL_VARIABLE = "CONDA_TOKEN_REPO_URL";

/**
 * `REPO_URL`: `CONDA_TOKEN_REPO_URL` or the default, always ending in `/` (so that channel
 * names join under it, not beside it). Anything but a plain http(s) URL is a `ConfigError`.
 */
export function repoUrl(env: { get(name: string): string | undefined }): string {
  const given = env.get(REPO_URL_VARIABLE);
  if (given === undefined || given === "") return DEFAULT_REPO_URL;
  const url = URL.parse(given);
  const problem = url === null || (url.protocol !== "https:" && url.protocol !== "http:")
    ? "is not an http(s) URL"
    : url.username || url.password
    ? "must not hold a user name or password"
    : url.search || url.hash
    ? "must not have a query or fragment"
    : null;
  if (problem !== null) {
    // The value is not quoted: it may hold a password or a token.
    throw new ConfigError(`${REPO_URL_VARIABLE} ${problem}`);
  }
  return url!.href.endsWith("/") ? url!.href : `${url!.href}/`;
}

/** A channel or file under the repository, like Python's `urljoin(REPO_URL, name)`. */
export function channelUrl(repo: string, name: string): string {
  return new URL(name, repo).href;
}

/**
 * `url` with conda's `/t/<token>` inserted after host[:port] (or after a leading
 * `/conda`), the token percent-encoded so that any character stays in its path segment.
 */
export function withToken(url: string, token: string): string {
  const parsed = new URL(url);
  const prefix = /^\/conda(?=\/|$)/.test(parsed.pathname) ? "/conda" : "";
  const rest = parsed.pathname.slice(prefix.length);
  parsed.pathname = `${prefix}/t/${encodeURIComponent(token)}${rest}`;
  return parsed.href;
}
