/**
 * The `conda` check, when conda is set up (a `.condarc` it reads, a stored repo token or
 * conda's token file for the repository): the `.condarc` files conda reads and whether
 * it can read them; no file holding two names of one setting (conda refuses such a
 * file); `channels` not empty (conda 25.9 adds no default); and with a repo token:
 * `default_channels` at the repository, `add_anaconda_token` on, conda's token file
 * there, 0600 and equal to the stored token, and a bounded `HEAD` with it, connected
 * the way conda connects.
 * @module
 */
import type { Context } from "../context.ts";
import { ConfigError, errorMessage } from "../errors.ts";
import { FileTooLargeError, readTextBounded } from "../files.ts";
import { joinPath } from "../path.ts";
import { defaultSiteConfig } from "../config/schema.ts";
import type { RepoToken } from "../token/token_info.ts";
import {
  channelsStatus,
  condaConnection,
  type CondaFiles,
  condaPrimitive,
  condaSequence,
  readCondaFiles,
} from "../conda/conda_config.ts";
import { CONDA_KEY_NAMES, namesOf, presentNames } from "../conda/conda_keys.ts";
import { knownBasePrefix } from "../conda/conda_command.ts";
import { repoUrl } from "../conda/repo_url.ts";
import { tokenDirectory, tokenFilePath } from "../conda/token_files.ts";
import { validateRepoToken } from "../conda/validate_token.ts";
import { type CheckResult, Findings, skipped } from "./check.ts";
import type { SiteSubject } from "./config_check.ts";
import { shellWord, shortPath } from "./places.ts";

/** A token file is a few hundred bytes; more is not one. */
const MAX_TOKEN_BYTES = 64 * 1024;

/** conda's token file for the repository, as found. */
interface TokenFile {
  path: string;
  token: string;
  mode: number | null;
}

async function readTokenFile(path: string): Promise<TokenFile | null> {
  let token: string | null;
  try {
    token = await readTextBounded(path, MAX_TOKEN_BYTES);
  } catch (err) {
    if (err instanceof FileTooLargeError) return { path, token: "", mode: null };
    throw err;
  }
  if (token === null) return null;
  const mode = (await Deno.stat(path)).mode;
  return { path, token: token.trim(), mode };
}

/** `<file> holds both add_binstar_token and add_anaconda_token`, for each such file. */
function aliasPairs(files: CondaFiles): { path: string; names: string[] }[] {
  const pairs: { path: string; names: string[] }[] = [];
  for (const source of files.sources) {
    for (const key of Object.keys(CONDA_KEY_NAMES)) {
      const names = presentNames(source.settings, key);
      if (names.length > 1) pairs.push({ path: source.path, names });
    }
  }
  return pairs;
}

/** The last file that turns `add_anaconda_token` (under any of its names) off. */
function fileTurningTokenOff(files: CondaFiles): string | null {
  const off = files.sources.filter((source) =>
    namesOf("add_anaconda_token").some((name) => source.settings[name] === false)
  );
  return off.at(-1)?.path ?? null;
}

/** ` --org <org>` when the stored tokens name one organization. */
function orgOption(tokens: RepoToken[]): string {
  const orgs = [...new Set(tokens.map((token) => token.org_name).filter(Boolean))];
  return orgs.length === 1 ? ` --org ${shellWord(orgs[0]!)}` : "";
}

/** Runs the conda check. `subject` is null when the site's settings could not be read. */
export async function checkConda(
  context: Context,
  subject: SiteSubject | null,
  storedTokens: RepoToken[],
  verbose = false,
): Promise<CheckResult> {
  const home = context.homeDir();
  const findings = new Findings();
  let repo: string;
  try {
    repo = repoUrl(context.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    findings.fail(err.message, "correct or unset CONDA_TOKEN_REPO_URL");
    return findings.result("conda");
  }
  const userCondarc = joinPath(home, ".condarc");
  const files = await readCondaFiles(context, userCondarc, knownBasePrefix(context.env));
  const tokenPath = tokenFilePath(tokenDirectory(context), repo);
  let tokenFile: TokenFile | null;
  try {
    tokenFile = await readTokenFile(tokenPath);
  } catch (err) {
    tokenFile = null;
    findings.fail(
      `conda's token file ${shortPath(tokenPath, home)} cannot be read: ${errorMessage(err)}`,
      `check the file: ls -l ${shortPath(tokenPath, home)}`,
    );
  }
  const usesRepo = storedTokens.length > 0 || tokenFile !== null;
  if (files.sources.length === 0 && files.problems.length === 0 && !usesRepo && !findings.failed) {
    return skipped("conda", "no .condarc that conda reads, and no repo token");
  }
  findings.ok(
    files.sources.length === 0
      ? "conda reads no .condarc"
      : `conda reads ${files.sources.map((source) => shortPath(source.path, home)).join(", ")}`,
  );
  for (const problem of files.problems) {
    findings.fail(problem, "correct the YAML of that file (conda cannot read it either)");
  }
  for (const { path, names } of aliasPairs(files)) {
    const [kept, ...old] = names;
    findings.fail(
      `${shortPath(path, home)} sets both ${names.join(" and ")}: conda refuses the whole file ` +
        "(MultipleKeysError)",
      `remove ${old.join(" and ")} from ${shortPath(path, home)} (keep ${kept})`,
    );
  }
  const channels = channelsStatus(files, context.env);
  if (channels.channels.length === 0) {
    findings.warn(
      "no .condarc conda reads lists channels: conda 25.9 and later have no channel to search",
      channels.finalBefore === null
        ? `add "channels: [defaults]" to ${
          shortPath(userCondarc, home)
        }, or run conda config --add channels defaults`
        : `add defaults to the channels of ${
          shortPath(channels.finalBefore, home)
        } (its #!final hides the channels of later files)`,
    );
  } else {
    findings.ok(`channels: ${channels.channels.join(", ")}`);
  }
  if (usesRepo) {
    const facts = { subject, storedTokens, files, tokenFile, repo, verbose };
    await checkRepository(findings, context, facts);
  }
  return findings.result("conda");
}

/** What the repository checks look at. */
interface RepositoryFacts {
  subject: SiteSubject | null;
  storedTokens: RepoToken[];
  files: CondaFiles;
  tokenFile: TokenFile | null;
  repo: string;
  verbose: boolean;
}

/** The checks of conda's use of the repository and its token. */
async function checkRepository(
  findings: Findings,
  context: Context,
  facts: RepositoryFacts,
): Promise<void> {
  const { subject, storedTokens, files, tokenFile, repo } = facts;
  const home = context.homeDir();
  const install = `anaconda token install${orgOption(storedTokens)}`;
  const defaults = condaSequence(files, "default_channels", context.env);
  const elsewhere = defaults.filter((channel) => !channel.startsWith(repo));
  if (defaults.length === 0 || elsewhere.length > 0) {
    findings.warn(
      defaults.length === 0
        ? `default_channels is not set: conda's defaults do not come from ${repo}`
        : `default_channels point elsewhere than ${repo}: ${elsewhere.join(", ")}`,
      "anaconda token config",
    );
  } else {
    findings.ok(`default_channels point at ${repo}`);
  }
  const addToken = condaPrimitive(files, "add_anaconda_token");
  if (addToken === false) {
    const turnedOff = fileTurningTokenOff(files) ?? joinPath(home, ".condarc");
    findings.fail(
      "add_anaconda_token is false: conda does not send the token to the repository",
      `set add_anaconda_token: true in ${shortPath(turnedOff, home)}`,
    );
  } else {
    findings.ok(`add_anaconda_token is on${addToken === undefined ? " (conda's default)" : ""}`);
  }
  if (tokenFile === null) {
    findings.fail(
      `conda's token file for ${repo} is missing (${
        shortPath(tokenFilePath(tokenDirectory(context), repo), home)
      })`,
      install,
    );
  } else {
    const shown = shortPath(tokenFile.path, home);
    if (tokenFile.mode !== null && context.os !== "windows" && (tokenFile.mode & 0o077) !== 0) {
      findings.warn(
        `${shown} is 0${(tokenFile.mode & 0o777).toString(8)}: other users can read the token`,
        `chmod 600 ${shown}`,
      );
    }
    if (storedTokens.length > 0 && !storedTokens.some((entry) => entry.token === tokenFile.token)) {
      findings.warn(
        `conda's token file ${shown} holds another token than the one stored for the site`,
        install,
      );
    } else {
      findings.ok(
        `conda's token file ${shown}${storedTokens.length > 0 ? " matches the stored token" : ""}`,
      );
    }
  }
  const token = tokenFile?.token || storedTokens[0]?.token;
  if (!token) return;
  const config = subject?.config ?? { ...defaultSiteConfig(home), site: "anaconda.com" };
  try {
    const connection = await condaConnection(files, context.env);
    await validateRepoToken(context, config, token, {
      repoUrl: repo,
      connection,
      verbose: facts.verbose,
    });
    findings.ok("the repository accepted the token (HEAD of main/noarch/repodata.json: 200)");
  } catch (err) {
    const message = errorMessage(err);
    findings.fail(
      message,
      / (401|403) /.test(message)
        ? `the repository refused the token: ${install}`
        : `check the connection to ${new URL(repo).host} (proxy_servers and ssl_verify of the ` +
          ".condarc files, else the site's settings)",
    );
  }
}
