/**
 * Helpers of the `anaconda token` end-to-end tests: a logged-in HOME for a stand-in
 * service, conda's token file in that HOME, and a fake `conda` on PATH that logs its
 * arguments.
 * @module
 */
import type { DevServer } from "../scripts/stand_in/server.ts";
import { siteEnv, writeKeyring } from "./dev_site.ts";
import type { RepoToken } from "../src/token/token_info.ts";
import { condaTokenFile } from "./paths.ts";

/** What a token given on the command line gets (the process list shows it). */
export const ARGV_WARNING = "Warning: a token on the command line is visible to other users " +
  "of this machine; pass - instead to read it from standard input\n";

/** `stderr` after the warning about a token on the command line, which must come first. */
export function afterArgvWarning(stderr: string): string {
  if (!stderr.startsWith(ARGV_WARNING)) {
    throw new Error(`no warning about the token on the command line first: ${stderr}`);
  }
  return stderr.slice(ARGV_WARNING.length);
}

/** Logs in `home` to `server` (a file-keyring record) and returns the API key. */
export async function logIn(
  home: string,
  server: DevServer,
  repoTokens: RepoToken[] = [],
): Promise<string> {
  const apiKey = await server.issueApiKey();
  await writeKeyring(home, {
    domain: server.domain,
    api_key: apiKey,
    username: null,
    repo_tokens: repoTokens,
    version: 2,
  });
  // As a login leaves it (D17), so that commands do not report tightening it.
  await Deno.chmod(`${home}/.anaconda`, 0o700);
  return apiKey;
}

/** The environment of a `token` command against `server`: its site and its repository. */
export function tokenEnv(server: DevServer, extra: Record<string, string> = {}) {
  return siteEnv(server, { CONDA_TOKEN_REPO_URL: server.repo.url, ...extra });
}

/** conda's token file of `url` for a CLI run in `home` (Linux: `~/.config/binstar`). */
export function tokenFile(home: string, url: string): string {
  return condaTokenFile(home, url);
}

/** The text of `path`, or null when it does not exist. */
export async function readOrNull(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
}

/** Whether `fakeConda` can run here: it is a shell script, which Windows cannot run. */
export const FAKE_CONDA: boolean = Deno.build.os !== "windows";

/**
 * A fake `conda` in `<home>/bin` that appends its arguments to `<home>/conda.log`, prints
 * `base` for `conda info --base`, and exits with `exitCode` for `conda clean`. Returns
 * the PATH that finds it first.
 */
export async function fakeConda(
  home: string,
  options: { base?: string; exitCode?: number } = {},
): Promise<{ PATH: string }> {
  const bin = `${home}/bin`;
  await Deno.mkdir(bin, { recursive: true });
  await Deno.writeTextFile(
    `${bin}/conda`,
    [
      "#!/bin/sh",
      `echo "$*" >> '${home}/conda.log'`,
      `if [ "$1" = info ]; then echo '${options.base ?? ""}'; exit 0; fi`,
      `if [ "$1" = clean ] && [ ${options.exitCode ?? 0} -ne 0 ]; then`,
      "  echo 'CondaError: cache is locked' >&2",
      `  exit ${options.exitCode ?? 0}`,
      "fi",
      "",
    ].join("\n"),
    { mode: 0o755 },
  );
  return { PATH: `${bin}:${Deno.env.get("PATH") ?? "/usr/bin:/bin"}` };
}

/** The lines of the fake conda's log (empty when it never ran). */
export async function condaLog(home: string): Promise<string[]> {
  return ((await readOrNull(`${home}/conda.log`)) ?? "").split("\n").filter(Boolean);
}

/** The file names of `dir` that start with `prefix`. */
export async function filesStartingWith(dir: string, prefix: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name.startsWith(prefix)) names.push(entry.name);
  }
  return names.sort();
}

/** The names in `~/.anaconda/backups` of `home` (none when the folder is missing). */
export async function backupFiles(home: string): Promise<string[]> {
  try {
    return await filesStartingWith(`${home}/.anaconda/backups`, "");
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
}

/** The files `anaconda token` must not leave beside a `.condarc` in `dir`. */
export async function clutterBeside(dir: string): Promise<string[]> {
  return (await filesStartingWith(dir, "")).filter((name) => /\.(lock|tmp)$|\.backup\./.test(name));
}
