/**
 * The string sources of settings: environment variables, the secrets folder and
 * `.env` in the working directory. Names are case-insensitive; `__` nests. Every setting
 * is named `ANACONDA_*`, so each source keeps those names only.
 * @module
 */
import type { Context } from "../context.ts";
import { errorMessage } from "../errors.ts";
import { readTextBoundedSync } from "../files.ts";
import { joinPath } from "../path.ts";
import { escapeControl } from "../text.ts";
import type { Source } from "./schema.ts";
import { dotenvPath, secretsDir } from "./locations.ts";

/** One source of `NAME=value` strings, seen through a name prefix. */
export interface RawLayer {
  /**
   * The value of `<prefix><key>`, or for nested keys an object built from
   * `<prefix><key>__<sub>` names (merged over a JSON value of `<prefix><key>`).
   */
  get(key: string): unknown;
  sourceOf(key: string): Source;
  /** Every name this source holds under the prefix, without it (lower case, `__` kept). */
  keys(): string[];
  /** The same source with names starting with `prefix` (lower case). */
  scoped(prefix: string): RawLayer;
}

type SourceOf = (name: string) => Source;

/** Every name `n` such that some name in `names` starts with `n__` (those with nested names). */
function nestingNames(names: Iterable<string>): Set<string> {
  const parents = new Set<string>();
  for (const name of names) {
    for (let at = name.indexOf("__"); at !== -1; at = name.indexOf("__", at + 1)) {
      parents.add(name.slice(0, at));
    }
  }
  return parents;
}

function layer(
  values: Map<string, string>,
  sourceOf: SourceOf,
  prefix = "",
  // Known once: resolving a site asks for every field in every layer, and most names nest nothing.
  parents = nestingNames(values.keys()),
): RawLayer {
  return {
    get(key) {
      const name = `${prefix}${key}`;
      const direct = values.get(name);
      if (!parents.has(name)) return direct;
      const nestedPrefix = `${name}__`;
      let nested: Record<string, unknown> | undefined;
      for (const [other, value] of values) {
        if (!other.startsWith(nestedPrefix)) continue;
        const path = other.slice(nestedPrefix.length).split("__");
        nested ??= {};
        let table = nested;
        for (const part of path.slice(0, -1)) {
          const inner = table[part];
          table =
            (typeof inner === "object" && inner !== null ? inner : (table[part] = {})) as Record<
              string,
              unknown
            >;
        }
        table[path[path.length - 1] ?? ""] = value;
      }
      if (nested === undefined) return direct;
      let base: unknown = {};
      if (direct !== undefined) {
        try {
          base = JSON.parse(direct);
        } catch {
          base = {};
        }
      }
      return { ...(typeof base === "object" && base !== null ? base : {}), ...nested };
    },
    sourceOf: (key) => sourceOf(`${prefix}${key}`),
    keys() {
      const found: string[] = [];
      for (const name of values.keys()) {
        if (name.startsWith(prefix)) found.push(name.slice(prefix.length));
      }
      return found;
    },
    scoped: (inner) => layer(values, sourceOf, `${prefix}${inner}`, parents),
  };
}

/** What every setting's name starts with (lower case). */
const SETTINGS_PREFIX = "anaconda_";

/**
 * The `ANACONDA_*` names of `entries`, in lower case, with their values. (Only those: the
 * environment holds many other names, and resolving a site asks each source for its names
 * several times.)
 */
function settingsMap(entries: Iterable<[string, string]>): Map<string, string> {
  const map = new Map<string, string>();
  for (const [name, value] of entries) {
    const lower = name.toLowerCase();
    if (lower.startsWith(SETTINGS_PREFIX)) map.set(lower, value);
  }
  return map;
}

/** A secret or `.env` file is small; a bigger one is not read. */
const MAX_SOURCE_BYTES = 1024 * 1024;

/**
 * The secrets by lower-cased name, and each one's file name as it is on disk. Entries
 * may be symbolic links (Kubernetes mounts each secret as a link into `..data/`): a
 * link is followed, and its target read only when it is a regular file, bounded. An
 * entry that cannot be read is skipped with a warning naming it.
 */
function readSecretsDir(
  dir: string,
  context: Pick<Context, "notify">,
): { values: Map<string, string>; fileNames: Map<string, string> } {
  const values = new Map<string, string>();
  const fileNames = new Map<string, string>();
  let entries: Deno.DirEntry[];
  try {
    // Synchronous: see readTextBoundedSync (start-up cost of async file operations).
    entries = [...Deno.readDirSync(dir)];
  } catch {
    // Missing or unreadable: the secrets folder is only used when it is a readable directory.
    return { values, fileNames };
  }
  for (const entry of entries) {
    const name = entry.name.toLowerCase();
    if (!(entry.isFile || entry.isSymlink) || !name.startsWith(SETTINGS_PREFIX)) continue;
    const path = joinPath(dir, entry.name);
    let text: string | null;
    try {
      text = readTextBoundedSync(path, MAX_SOURCE_BYTES);
    } catch (err) {
      context.notify({
        level: "warning",
        message: `ignoring the secret ${path}: ${errorMessage(err)}`,
      });
      continue;
    }
    if (text === null) continue; // a link to nothing
    values.set(name, text.trim());
    fileNames.set(name, entry.name);
  }
  return { values, fileNames };
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

async function readDotenv(path: string, context: Context): Promise<Map<string, string>> {
  // The parser is loaded only when there is a file: most runs have no .env.
  if (!isFile(path)) return new Map();
  const { parseDotenv, readDotenvFile } = await import("./dotenv.ts");
  const text = readDotenvFile(path, (reason) =>
    context.notify({
      level: "warning",
      message: `the settings file ${path} is ignored: ${escapeControl(reason)}`,
    }));
  return text === null ? new Map() : settingsMap(parseDotenv(text));
}

/** The environment, the secrets folder and `.env`, highest precedence first. */
export async function readRawLayers(context: Context): Promise<RawLayer[]> {
  const env = settingsMap(Object.entries(context.env.toObject()));
  const secretsFolder = secretsDir(context);
  const dotenvFile = dotenvPath(context);
  const secrets = readSecretsDir(secretsFolder, context);
  const dotenv = await readDotenv(dotenvFile, context);
  return [
    layer(env, (name) => ({ kind: "env", name: name.toUpperCase() })),
    layer(secrets.values, (name) => ({
      kind: "secret",
      path: joinPath(secretsFolder, secrets.fileNames.get(name) ?? name),
    })),
    layer(dotenv, (name) => ({ kind: "dotenv", path: dotenvFile, name: name.toUpperCase() })),
  ];
}
