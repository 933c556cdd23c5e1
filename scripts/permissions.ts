/**
 * The Deno permissions of the CLI. They live in ONE place: the `"permissions"` sets of
 * deno.json (`anaconda`, and `anaconda-windows` = the same plus FFI). The `anaconda`
 * task and `deno compile` load a set by name (`--permission-set=anaconda`); where no
 * deno.json is at hand (`deno run <url>` of the bundle, the end-to-end tests) the same
 * set is spelled as `--allow-*` flags by `permissionFlags` below. Loading the bundle
 * from a URL also needs `--allow-import` for the hosts it comes from (`importHostsOf`).
 *
 * What is scoped, and why the rest is not:
 * - `sys`: all. The CLI reads the hostname (X-Client-Hostname), and `node:tls` (the
 *   `ssl_verify = false` transport) reads its root certificates behind a sys check
 *   named "ca" that `--allow-sys=<list>` cannot name in Deno 2.9 (the flag rejects it).
 *   What else it grants is read-only machine information (OS release, memory, uid...).
 * - `ffi`: only on Windows, for the Credential Manager (advapi32); FFI is full native
 *   access, so it is not granted where it is not used.
 * - `env`: all. Settings come from every `ANACONDA_*` variable, case-insensitively and
 *   nested with `__`, so the names are not known in advance (and `HOME`, `BROWSER`,
 *   proxies, `DENO_*` TLS settings are read too).
 * - `read`/`write`: all. The config file (`ANACONDA_CONFIG_TOML`), `keyring_path`, the
 *   secrets folder, `.env` in the working directory, CA bundles (`ssl_verify`), conda's
 *   files (`--file F`, `--env`, `--system`) may each be anywhere the user says.
 * - `net`: all. A site's domain, its auth domain and proxies are the user's choice, and
 *   the browser login listens on 127.0.0.1.
 * - `run`: all. `$BROWSER` may name any program (as in Python's `webbrowser`); a list of
 *   the known helpers (`secret-tool`, `security`, `conda`, `xdg-open`, `open`, `cmd`...)
 *   would silently ignore the user's browser. It would not contain a misbehaving
 *   dependency either: with `write` unscoped, a shell start-up file can be rewritten.
 *
 *   deno task permissions [--windows] [URL]   # prints `deno run <flags> URL`
 * @module
 */
import config from "../deno.json" with { type: "json" };

/** One permission of a set in deno.json: all, or a list of scopes. */
type Grant = boolean | string[];

/** The name of the permission set for programs running on `os`. */
export function permissionSetName(os: typeof Deno.build.os = Deno.build.os): string {
  return os === "windows" ? "anaconda-windows" : "anaconda";
}

/** The permissions of the set `name` in deno.json. */
export function permissionSet(name: string): Record<string, Grant> {
  const sets = config.permissions as Record<string, Record<string, Grant>>;
  const set = sets[name];
  if (set === undefined) throw new Error(`deno.json has no permission set "${name}"`);
  return set;
}

/** The `--allow-*` flags that grant what `set` grants. */
export function permissionFlags(set: Record<string, Grant>): string[] {
  const flags: string[] = [];
  for (const [name, grant] of Object.entries(set)) {
    if (grant === true) flags.push(`--allow-${name}`);
    else if (Array.isArray(grant) && grant.length > 0) {
      flags.push(`--allow-${name}=${grant.join(",")}`);
    } else if (grant !== false) throw new Error(`unsupported grant for "${name}" in deno.json`);
  }
  return flags;
}

/** The flags the CLI runs with on `os` (default: this machine). */
export function runPermissions(os: typeof Deno.build.os = Deno.build.os): string[] {
  return permissionFlags(permissionSet(permissionSetName(os)));
}

/** The CLI's flags on this machine: the end-to-end tests, the demo and the bench use them. */
export const RUN_PERMISSIONS: string[] = runPermissions();

/**
 * The hosts a GitHub release file is loaded from: github.com answers with a redirect to
 * one of the others. Deno checks the import permission of the host a module URL
 * redirects to (by default only jsr.io, deno.land, esm.sh, raw.githubusercontent.com...
 * are allowed), and once `--allow-import` is given, of the first host too.
 */
export const GITHUB_RELEASE_HOSTS = [
  "github.com:443",
  "release-assets.githubusercontent.com:443",
  "objects.githubusercontent.com:443",
];

/**
 * The hosts `deno run <url>` loads the bundle from, as `--allow-import` takes them
 * (`host:port`): for a github.com URL, GitHub's release hosts (github.com redirects to
 * the others); for any other URL its own host; for a local path none.
 */
export function importHostsOf(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return []; // a path: Deno reads it without import permission
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return [];
  if (parsed.hostname === "github.com") return GITHUB_RELEASE_HOSTS;
  const port = parsed.port || (parsed.protocol === "https:" ? "443" : "80");
  return [`${parsed.hostname}:${port}`];
}

/** The arguments of `deno run` for the bundle at `url`, loaded from `importHosts`. */
export function denoRunArgs(
  url: string,
  os: typeof Deno.build.os,
  importHosts: string[] = importHostsOf(url),
): string[] {
  const allowImport = importHosts.length > 0 ? [`--allow-import=${importHosts.join(",")}`] : [];
  return ["run", ...allowImport, ...runPermissions(os), url];
}

/** The `deno run` command line of the bundle at `url` (a release file, a mirror's), for `os`. */
export function denoRunLine(url: string, os: typeof Deno.build.os): string {
  return ["deno", ...denoRunArgs(url, os)].join(" ");
}

if (import.meta.main) {
  const windows = Deno.args.includes("--windows");
  const url = Deno.args.find((arg) => arg !== "--windows") ?? "anaconda.js";
  console.log(denoRunLine(url, windows ? "windows" : "linux"));
}
