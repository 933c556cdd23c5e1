/**
 * Where conda looks for `.condarc` files, in its order (lowest precedence first): the
 * `SEARCH_PATH` of conda's `conda/base/constants.py`, expanded the way
 * `Configuration._expand_search_path` (conda/common/configuration.py) does it:
 * `$VAR`/`${VAR}` from the environment (a variable that is not set stays as written, so
 * its entry names no file), `~` for the home folder, a file only when it is named
 * `.condarc`/`condarc` or ends in `.yml`/`.yaml`, a folder for its `.yml`/`.yaml` files
 * in name order, and each file once, at its first place.
 *
 * conda sets `CONDA_ROOT` to its base prefix (`sys.prefix`) when it is not set
 * (conda/__init__.py); here the base prefix is used when it is known without running
 * conda (`CONDA_ROOT`, `CONDA_EXE`, or the folder of a `--system` target).
 * @module
 */
import { joinPath } from "../path.ts";

/** conda's `SEARCH_PATH` on Windows. */
const WINDOWS_SYSTEM = [
  "C:/ProgramData/conda/.condarc",
  "C:/ProgramData/conda/condarc",
  "C:/ProgramData/conda/condarc.d",
];

/** conda's `SEARCH_PATH` on other systems. */
const UNIX_SYSTEM = [
  "/etc/conda/.condarc",
  "/etc/conda/condarc",
  "/etc/conda/condarc.d/",
  "/var/lib/conda/.condarc",
  "/var/lib/conda/condarc",
  "/var/lib/conda/condarc.d/",
];

/** The rest of `SEARCH_PATH`, on every system. */
const COMMON = [
  "$CONDA_ROOT/.condarc",
  "$CONDA_ROOT/condarc",
  "$CONDA_ROOT/condarc.d/",
  "$XDG_CONFIG_HOME/conda/.condarc",
  "$XDG_CONFIG_HOME/conda/condarc",
  "$XDG_CONFIG_HOME/conda/condarc.d/",
  "~/.config/conda/.condarc",
  "~/.config/conda/condarc",
  "~/.config/conda/condarc.d/",
  "~/.conda/.condarc",
  "~/.conda/condarc",
  "~/.conda/condarc.d/",
  "~/.condarc",
  "$CONDA_PREFIX/.condarc",
  "$CONDA_PREFIX/condarc",
  "$CONDA_PREFIX/condarc.d/",
  "$CONDARC",
];

/** What the search path depends on. */
export interface SearchPathInput {
  env: { get(name: string): string | undefined };
  homeDir: string;
  os: typeof Deno.build.os;
  /** conda's base prefix, when known: the value of `$CONDA_ROOT` if that is not set. */
  basePrefix?: string | null;
}

/**
 * Python's `os.path.expandvars`: `$name` and `${name}` replaced by the variable's value;
 * a variable that is not set is left as it is.
 */
export function expandVars(text: string, get: (name: string) => string | undefined): string {
  return text.replace(/\$(\w+|\{[^}]*\})/g, (whole, name: string) => {
    const value = get(name.startsWith("{") ? name.slice(1, -1) : name);
    return value === undefined ? whole : value;
  });
}

/** `~` or `~/...` made absolute, as Python's `Path.expanduser` for the current user. */
function expandUser(path: string, home: string): string {
  if (path === "~") return home;
  return /^~[/\\]/.test(path) ? joinPath(home, path.slice(2)) : path;
}

/**
 * The entries of conda's search path, expanded: files and folders, in conda's order,
 * each once. Entries with a variable that is not set are left out (they name no file).
 */
export function condaSearchPath(input: SearchPathInput): string[] {
  const get = (name: string) => {
    const value = input.env.get(name);
    if (value !== undefined) return value;
    return name === "CONDA_ROOT" ? input.basePrefix ?? undefined : undefined;
  };
  const templates = [...(input.os === "windows" ? WINDOWS_SYSTEM : UNIX_SYSTEM), ...COMMON];
  const entries: string[] = [];
  for (const template of templates) {
    const expanded = expandVars(template, get);
    if (expanded.includes("$") || expanded === "" || expanded === "/") continue;
    const path = expandUser(expanded, input.homeDir).replace(/[/\\]+$/, "");
    if (path !== "" && !entries.includes(path)) entries.push(path);
  }
  return entries;
}

/** Whether conda reads a file of this name given as a search path entry. */
export function isCondarcName(name: string): boolean {
  return name === ".condarc" || name === "condarc" || name.endsWith(".yml") ||
    name.endsWith(".yaml");
}

/** Whether conda reads a file of this name found in a `condarc.d` folder. */
export function isYamlName(name: string): boolean {
  return name.endsWith(".yml") || name.endsWith(".yaml");
}
