/**
 * Paths in the tests' expectations, right on every OS: the code joins paths with the
 * platform's separator (`\` on Windows).
 * @module
 */
import { childEnv } from "../scripts/child_env.ts";
import { tokenDirectory, tokenFilePath } from "../src/conda/token_files.ts";

export { joinPath } from "../src/path.ts";

/** A regular expression source that matches `text` as it is. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** A regular expression source for one path separator of any OS. */
export const SEP = "[\\\\/]";

/** The label of the file keyring at its default place, as the tools print it. */
export const FILE_KEYRING_LABEL: string = Deno.build.os === "windows"
  ? "file keyring ~\\.anaconda\\keyring"
  : "file keyring ~/.anaconda/keyring";

/**
 * conda's token folder for a CLI run in `home` (tests/support.ts's environment), as the
 * CLI finds it on this OS: `~/.config/binstar` on Linux, `%LOCALAPPDATA%\ContinuumIO\binstar`
 * on Windows, `~/Library/Application Support/binstar` on macOS.
 */
export function condaTokenDir(home: string): string {
  const env = childEnv(home);
  return tokenDirectory({
    os: Deno.build.os,
    env: { get: (name) => env[name] },
    homeDir: () => home,
  });
}

/** conda's token file of `url` for a CLI run in `home`. */
export function condaTokenFile(home: string, url: string): string {
  return tokenFilePath(condaTokenDir(home), url);
}

/** `path` as the CLI shows it: `~` for `home`. */
export function shownPath(path: string, home: string): string {
  return path.startsWith(home) ? `~${path.slice(home.length)}` : path;
}
