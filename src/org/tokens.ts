/**
 * Where the anaconda.org token is kept (docs/behaviour.md, "Login, logout and whoami" and
 * "conda token files"): conda's token folder, in the file conda and anaconda-client name after
 * the API URL (`https%3A%2F%2Fapi.anaconda.org.token`, mode 0600). That folder is also
 * anaconda-client's first token folder (platformdirs' `user_config_dir` of binstar), so conda,
 * anaconda-client with conda and anaconda-client without conda all see a login made here.
 * anaconda-client's second folder (`~/.continuum/anaconda-client/tokens`) is read and cleaned
 * on logout, never written: a copy there could outlive a logout by another tool.
 * @module
 */
import type { Context } from "../context.ts";
import { ConfigError, StoreError } from "../errors.ts";
import { FileTooLargeError, readTextBounded } from "../files.ts";
import { dirName, expandHome, joinPath } from "../path.ts";
import { hasControlChars } from "../text.ts";
import {
  readTokenFiles,
  removeTokenFile,
  setTokenFile,
  tokenDirectory,
  tokenFilePath,
} from "../conda/token_files.ts";

/** The environment variables that hold a token, in anaconda-client's order. */
export const TOKEN_ENV = ["BINSTAR_API_TOKEN", "ANACONDA_API_TOKEN"] as const;

/** A token is a short string; a file holding more is not a token file. */
const MAX_TOKEN_BYTES = 64 * 1024;

/** A token, and where it was found (for messages and for removing it). */
export interface FoundToken {
  token: string;
  /** `option` (the root's `-t`), `env` (a variable) or `file`. */
  kind: "option" | "env" | "file";
  /** The variable's name, or the file's path. */
  where: string;
  /** For a file: the URL it is named after. */
  url?: string;
}

type PathContext = Pick<Context, "os" | "homeDir"> & { env: Pick<Context["env"], "get"> };

/** anaconda-client's own token folder: `tokens` beside its user config file. */
export function clientTokenDirectory(context: PathContext): string {
  const configured = context.env.get("BINSTAR_CONFIG_DIR");
  if (configured) return joinPath(configured, "data", "tokens");
  return expandHome("~/.continuum/anaconda-client/tokens", context.homeDir());
}

/**
 * `found`, refused when its token holds spaces or control characters: it becomes a
 * header, and is refused here, naming where it came from, rather than by fetch, whose
 * error would quote it.
 */
export function checkedToken(found: FoundToken): FoundToken {
  if (/\s/.test(found.token) || hasControlChars(found.token)) {
    // A token file is stored state; a variable is a setting the user gives.
    if (found.kind === "file") {
      throw new StoreError(
        `The token in the token file ${found.where} holds spaces or control characters`,
      );
    }
    throw new ConfigError(`The token in ${found.where} holds spaces or control characters`);
  }
  return found;
}

/** The token of the first of `TOKEN_ENV` that is set, or null. */
export function envToken(context: Pick<Context, "env">): FoundToken | null {
  for (const name of TOKEN_ENV) {
    const token = context.env.get(name)?.trim();
    if (token) return { token, kind: "env", where: name };
  }
  return null;
}

/** `url` with one trailing slash, for prefix matches (`https://a.org/` covers `https://a.org/x`). */
function withSlash(url: string): string {
  return `${url.replace(/\/+$/, "")}/`;
}

/**
 * The stored token for `url`: in conda's folder the file of the longest URL that is a
 * prefix of `url` (conda's and anaconda-client's lookup), else anaconda-client's own
 * file for `url`. Empty files do not count.
 */
export async function storedToken(context: Context, url: string): Promise<FoundToken | null> {
  const condaDir = tokenDirectory(context);
  const wanted = withSlash(url);
  const matches = (await readTokenFiles(condaDir))
    .map((file) => ({ ...file, token: file.token.trim() }))
    .filter((file) => file.token !== "" && wanted.startsWith(withSlash(file.url)))
    .sort((a, b) => b.url.length - a.url.length);
  const best = matches[0];
  if (best) {
    return {
      token: best.token,
      kind: "file",
      where: tokenFilePath(condaDir, best.url),
      url: best.url,
    };
  }
  const path = tokenFilePath(clientTokenDirectory(context), url);
  let text: string | null = null;
  try {
    text = await readTextBounded(path, MAX_TOKEN_BYTES);
  } catch (err) {
    if (!(err instanceof FileTooLargeError)) {
      throw new StoreError(`Cannot read the anaconda.org token file ${path}: ${String(err)}`, {
        cause: err,
      });
    }
  }
  const token = text?.trim();
  return token ? { token, kind: "file", where: path, url } : null;
}

/** Stores `token` for `url` in conda's token folder (0600, atomic); returns the file. */
export function saveToken(context: Context, url: string, token: string): Promise<string> {
  return setTokenFile(tokenDirectory(context), url, token);
}

/**
 * Removes the token files of `url` from conda's and anaconda-client's folders, and the
 * file `found` came from; returns the files removed.
 */
export async function removeTokens(
  context: Context,
  url: string,
  found: FoundToken | null,
): Promise<string[]> {
  const files: [string, string][] = [
    [tokenDirectory(context), url],
    [clientTokenDirectory(context), url],
  ];
  if (found?.kind === "file" && found.url !== undefined) {
    files.push([dirName(found.where), found.url]);
  }
  const removed: string[] = [];
  for (const [dir, fileUrl] of files) {
    const path = tokenFilePath(dir, fileUrl);
    if (!removed.includes(path) && await removeTokenFile(dir, fileUrl)) removed.push(path);
  }
  return removed;
}
