/**
 * The premium repository's URL (`REPO_URL`, docs/behaviour.md, "Repository and validation"):
 * from `CONDA_TOKEN_REPO_URL`, else `https://repo.anaconda.cloud/repo/`; its channel URLs;
 * which tokens conda can carry in a URL (D56); and where conda puts a repo token in a URL
 * (D58).
 * @module
 */
import { ConfigError } from "../errors.ts";
import { TokenValidationError } from "./errors.ts";

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
 * The tokens conda can send: it puts the token into the URL path raw, unquoted (D56). conda's
 * own token pattern (`split_anaconda_token` in conda/common/url.py) is `[a-zA-Z0-9-]`,
 * libmamba's adds `_`; any other character either splits the path or reaches the repository as
 * a different token.
 */
const CONDA_TOKEN = /^[A-Za-z0-9_-]+$/;

/**
 * Throws a `TokenValidationError` for a token with characters outside
 * `[A-Za-z0-9_-]` (or none). The message never shows the token.
 */
export function checkTokenCharacters(token: string): void {
  if (CONDA_TOKEN.test(token)) return;
  throw new TokenValidationError(
    token === ""
      ? "The token is empty"
      : "The token holds characters conda cannot send in a repository URL (only letters, " +
        "digits, _ and - are allowed). Please check that you have copied it correctly",
  );
}

/**
 * `url` with `/t/<token>` right after `scheme://host[:port]`, the URL conda requests.
 * The repository's channels reach conda through `default_channels`, and conda's
 * `Channel.make_simple_channel` (conda/models/channel.py) gives such a channel the
 * location `host[:port]` and the whole path as its name; `Channel.urls` then joins
 * location, `t`, token and name. So `https://host/conda/repo/main` becomes
 * `https://host/t/<token>/conda/repo/main` (the `/conda` exception of
 * `_read_channel_configuration` is for channels conda does not know). The token goes in
 * raw, as conda sends it: callers check it with `checkTokenCharacters` first.
 */
export function withToken(url: string, token: string): string {
  checkTokenCharacters(token);
  const parsed = new URL(url);
  parsed.pathname = `/t/${token}${parsed.pathname}`;
  return parsed.href;
}
