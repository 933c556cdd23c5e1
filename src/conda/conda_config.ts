/**
 * The configuration conda will use, read from the `.condarc` files it reads (its search path,
 * plus the file `anaconda token` edits) and merged by conda's rules: whether any channel is
 * left to search (D57), and the proxy, TLS and client-certificate settings of conda's HTTP
 * session (D58). Reads are bounded (`MAX_CONDARC_BYTES` a file, at most `MAX_FOLDER_FILES` from
 * a `condarc.d` folder); a file that cannot be read or parsed is reported and skipped, as the
 * edit of the target file is what must not fail.
 * @module
 */
import type { SiteConfig } from "../config/schema.ts";
import type { Context } from "../context.ts";
import { errorMessage } from "../errors.ts";
import { readTextBounded } from "../files.ts";
import { baseName, joinPath } from "../path.ts";
import { namesOf } from "./conda_keys.ts";
import { CondarcError } from "./errors.ts";
import { type Match, mergeMap, mergePrimitive, mergeSequence } from "./conda_merge.ts";
import {
  condaSearchPath,
  expandVars,
  isCondarcName,
  isYamlName,
  type SearchPathInput,
} from "./conda_search_path.ts";
import {
  type Condarc,
  type FinalMarks,
  finalMarks,
  MAX_CONDARC_BYTES,
  parseCondarc,
} from "./condarc_edit.ts";

/** More files than this in one `condarc.d` folder are not read. */
export const MAX_FOLDER_FILES = 100;

/** One file conda reads, parsed. */
export interface CondaSource {
  path: string;
  settings: Record<string, unknown>;
  marks: FinalMarks;
}

/** The files conda reads, in its order, and where the edited file stands among them. */
export interface CondaFiles {
  /** The readable files, lowest precedence first. */
  sources: CondaSource[];
  /** The index in `sources` the target file has (or would have, were it to exist). */
  targetIndex: number;
  /** Files that exist but could not be read or parsed: one line each. */
  problems: string[];
}

/** The files a search-path entry stands for: itself, or a folder's YAML files. */
async function filesOf(entry: string): Promise<string[]> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(entry);
  } catch {
    return [];
  }
  if (info.isFile) return isCondarcName(baseName(entry)) ? [entry] : [];
  if (!info.isDirectory) return [];
  const names: string[] = [];
  try {
    for await (const item of Deno.readDir(entry)) {
      if (!item.isDirectory && isYamlName(item.name)) names.push(item.name);
    }
  } catch {
    return [];
  }
  return names.sort().slice(0, MAX_FOLDER_FILES).map((name) => joinPath(entry, name));
}

async function readSource(path: string, problems: string[]): Promise<CondaSource | null> {
  try {
    const text = await readTextBounded(path, MAX_CONDARC_BYTES, { strictUtf8: true });
    if (text === null) return null;
    const condarc: Condarc = parseCondarc(text, path);
    return { path, settings: condarc.settings, marks: finalMarks(condarc) };
  } catch (err) {
    problems.push(`conda cannot read ${path} either: ${errorMessage(err).split("\n")[0]}`);
    return null;
  }
}

/**
 * The files conda reads for `target` (the `.condarc` being edited): conda's search
 * path, with the target in its place there, or after everything else when conda would
 * not find it by itself (`--file` elsewhere). `basePrefix` stands in for an unset
 * `$CONDA_ROOT`.
 */
export async function readCondaFiles(
  context: Pick<Context, "env" | "homeDir" | "os">,
  target: string,
  basePrefix: string | null,
): Promise<CondaFiles> {
  const input: SearchPathInput = {
    env: context.env,
    homeDir: context.homeDir(),
    os: context.os,
    basePrefix,
  };
  // Windows names one file with either separator and in any case (`~` expands to
  // `C:\Users\u\.conda/condarc`, a user types `C:\Users\u\.conda\condarc`).
  const key = context.os === "windows"
    ? (path: string) => path.replaceAll("/", "\\").toLowerCase()
    : (path: string) => path;
  const targetKey = key(target);
  const paths: string[] = [];
  const seen = new Set<string>();
  const add = (file: string) => {
    if (!seen.has(key(file))) {
      seen.add(key(file));
      paths.push(file);
    }
  };
  for (const entry of condaSearchPath(input)) {
    for (const file of key(entry) === targetKey ? [target] : await filesOf(entry)) add(file);
  }
  add(target);
  const problems: string[] = [];
  const sources: CondaSource[] = [];
  let targetIndex = -1;
  for (const path of paths) {
    if (key(path) === targetKey) targetIndex = sources.length;
    const source = await readSource(path, problems);
    if (source) sources.push(source);
  }
  return { sources, targetIndex, problems };
}

/** The values of `key` (under any of conda's names for it) in each file, as matches. */
function matchesOf(sources: readonly CondaSource[], key: string): Match<unknown>[] {
  const matches: Match<unknown>[] = [];
  for (const [index, source] of sources.entries()) {
    const name = namesOf(key).find((candidate) => Object.hasOwn(source.settings, candidate));
    if (name === undefined) continue;
    const value = source.settings[name];
    if (value === null || value === undefined) continue;
    const finalEntries = source.marks.entries.get(name);
    matches.push({
      source: source.path,
      index,
      value,
      final: source.marks.keys.has(name),
      ...(finalEntries ? { finalEntries } : {}),
    });
  }
  return matches;
}

/** What conda's `channels` setting comes to. */
export interface ChannelsStatus {
  /** The merged channels (empty: conda has no channel to search). */
  channels: string[];
  /**
   * A file before the target whose `channels` carries `#!final`: conda reads no
   * channels from later files, so adding them to the target would not help.
   */
  finalBefore: string | null;
}

/** A sequence setting (`channels`, `default_channels`) as conda merges it over `files`. */
export function condaSequence(files: CondaFiles, key: string, env: Context["env"]): string[] {
  return mergeSequence(sequenceMatches(files, key))
    .map((item) => expandVars(String(item), (name) => env.get(name)))
    .filter((item) => item !== "");
}

/** A primitive setting (`add_anaconda_token`) as conda merges it; undefined when unset. */
export function condaPrimitive(files: CondaFiles, key: string): unknown {
  return mergePrimitive(matchesOf(files.sources, key))?.value;
}

function sequenceMatches(files: CondaFiles, key: string): Match<unknown[]>[] {
  return matchesOf(files.sources, key).map((match) => ({
    ...match,
    value: Array.isArray(match.value) ? match.value : [match.value],
  }));
}

/** conda's merged `channels` over `files`. */
export function channelsStatus(files: CondaFiles, env: Context["env"]): ChannelsStatus {
  const matches = sequenceMatches(files, "channels");
  const channels = condaSequence(files, "channels", env);
  // A target at or before the first #!final still counts; one after it does not.
  const final = matches.find((match) => match.final);
  const finalBefore = final !== undefined && final.index < files.targetIndex ? final.source : null;
  return { channels, finalBefore };
}

/** The settings of conda's HTTP session that a repository request must use too (D58). */
export type CondaConnection =
  & Partial<Pick<SiteConfig, "ssl_verify" | "proxy_servers" | "client_cert" | "client_cert_key">>
  & {
    /** The file whose `ssl_verify` won, for the warning that verification is off. */
    sslVerifySource?: string;
  };

/** Whether anything is at `path`. */
async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The proxy, TLS and client-certificate settings conda's session (`CondaSession` in
 * conda/gateways/connection/session.py) takes from the merged configuration:
 * `proxy_servers`, `ssl_verify` (a CA bundle or folder, `truststore`, or a boolean),
 * `client_ssl_cert` and `client_ssl_cert_key`; `$VAR`s expanded as conda does. Only
 * what some file sets is returned; the rest stays the caller's (the site's).
 *
 * An `ssl_verify` path that does not exist is a `CondarcError` naming its file: conda's
 * `ssl_verify_validation` (conda/base/context.py) refuses it as well.
 */
export async function condaConnection(
  files: CondaFiles,
  env: Context["env"],
): Promise<CondaConnection> {
  const expand = (value: string) => expandVars(value, (name) => env.get(name));
  const connection: CondaConnection = {};
  const verify = mergePrimitive(matchesOf(files.sources, "ssl_verify"));
  if (typeof verify?.value === "boolean") {
    connection.ssl_verify = verify.value;
    connection.sslVerifySource = `ssl_verify in ${verify.source}`;
  } else if (typeof verify?.value === "string") {
    const value = expand(verify.value);
    if (value !== "truststore" && !await exists(value)) {
      throw new CondarcError(
        `${verify.source}: ssl_verify value '${value}' must be a boolean, a path to a ` +
          "certificate bundle file, a path to a directory containing certificates of " +
          "trusted CAs, or 'truststore' (conda refuses it too)",
      );
    }
    connection.ssl_verify = value;
    connection.sslVerifySource = `ssl_verify in ${verify.source}`;
  }
  const proxyMatches = matchesOf(files.sources, "proxy_servers").filter((match) =>
    typeof match.value === "object" && !Array.isArray(match.value)
  ) as Match<Record<string, unknown>>[];
  const proxies = mergeMap(proxyMatches);
  if (proxies !== undefined) {
    connection.proxy_servers = Object.fromEntries(
      Object.entries(proxies).flatMap(([key, value]) =>
        typeof value === "string" ? [[key, expand(value)]] : []
      ),
    );
  }
  const cert = mergePrimitive(matchesOf(files.sources, "client_ssl_cert"))?.value;
  if (typeof cert === "string") {
    const key = mergePrimitive(matchesOf(files.sources, "client_ssl_cert_key"))?.value;
    connection.client_cert = expand(cert);
    connection.client_cert_key = typeof key === "string" ? expand(key) : null;
  }
  return connection;
}
