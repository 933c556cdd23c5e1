/**
 * `deno task install [DIR]`: installs an `anaconda` command built from this checkout,
 * one that works from any new shell with only DIR on its PATH and downloads nothing
 * when it runs.
 *
 * What goes where, and why:
 * - `$XDG_DATA_HOME/anaconda-auth/` (default `~/.local/share/anaconda-auth/`) gets
 *   `anaconda.js`, the bundle (scripts/bundle.ts: one module, no package to fetch at run
 *   time), and `deno`, a copy of the pinned Deno that built it. A copy, not a path into
 *   the checkout: `.deno/` and `dist/` are git-ignored, so `git clean -xdf` (or removing
 *   the checkout) would break the command. It costs about 100 MB of disk.
 * - `DIR/anaconda` (default `~/.local/bin`) is a small `sh` script that runs that Deno by
 *   its absolute path (no `deno` on PATH needed) with the CLI's permission set, ignoring
 *   any `deno.json`, lock file or `package.json` of the folder it runs in, never asking
 *   for a permission and never fetching a module (`--cached-only`).
 *
 * Every file is replaced atomically (a temporary file, then a rename), so installing
 * again, to update, never leaves a half-written command. POSIX shells only: on Windows,
 * use the release executable.
 *
 *   deno task install [DIR]
 * @module
 */
import { bundle } from "./bundle.ts";
import { runPermissions } from "./permissions.ts";
import { VERSION } from "../src/version.ts";

/** Where the command and its files go. */
export interface InstallPaths {
  /** The folder of the `anaconda` script (on the user's PATH). */
  binDir: string;
  /** The folder of the bundle and the Deno binary. */
  dataDir: string;
}

/** `DIR` (default `~/.local/bin`) and the data folder, from the environment. */
export function installPaths(
  env: { get(name: string): string | undefined },
  dir?: string,
): InstallPaths {
  const home = env.get("HOME");
  if (!home) throw new Error("HOME is not set");
  const data = env.get("XDG_DATA_HOME") || `${home}/.local/share`;
  const absolute = (path: string) => path.startsWith("/") ? path : `${Deno.cwd()}/${path}`;
  return {
    binDir: absolute(dir ?? `${home}/.local/bin`).replace(/(.)\/+$/, "$1"),
    dataDir: `${absolute(data)}/anaconda-auth`,
  };
}

/** `text` as one word of `sh`, in single quotes. */
export function shellWord(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * The `anaconda` script: the pinned Deno, by absolute path, runs the bundle with the
 * CLI's permission flags. Deno's own behaviour that would read the working folder
 * (`deno.json`, a lock file, `package.json`), fetch something (a module, an update
 * check) or ask for a permission is switched off.
 */
export function wrapperScript(deno: string, bundlePath: string, permissions: string[]): string {
  const args = [
    "run",
    "--quiet",
    "--no-prompt",
    "--no-config",
    "--no-lock",
    "--cached-only",
    ...permissions,
    bundlePath,
  ];
  return [
    "#!/bin/sh",
    `# anaconda ${VERSION}, installed by \`deno task install\` of anaconda-auth for Deno.`,
    "# Runs the bundle with its own copy of Deno; nothing is downloaded.",
    "export DENO_NO_UPDATE_CHECK=1 DENO_NO_PACKAGE_JSON=1",
    `exec ${[deno, ...args].map(shellWord).join(" ")} "$@"`,
    "",
  ].join("\n");
}

/** Whether `dir` is one of the folders of `path` (a PATH value), links resolved. */
export function onPath(dir: string, path: string): boolean {
  const real = (folder: string) => {
    try {
      return Deno.realPathSync(folder);
    } catch {
      return folder.replace(/(.)\/+$/, "$1");
    }
  };
  const wanted = real(dir);
  return path.split(":").filter(Boolean).some((folder) => real(folder) === wanted);
}

/** The line that puts `dir` on PATH in the user's shell, and the file it goes in. */
export function pathLine(dir: string, shell: string | undefined): string {
  const name = (shell ?? "").split("/").pop() ?? "";
  if (name === "fish") return `Run once (fish keeps it):\n  fish_add_path ${shellWord(dir)}`;
  const file = name === "zsh" ? "~/.zshrc" : name === "bash" ? "~/.bashrc" : "~/.profile";
  const quoted = dir.replace(/[\\"$`]/g, "\\$&");
  return `Add this line to ${file}, then open a new shell:\n  export PATH="${quoted}:$PATH"`;
}

/** Replaces `to` by what `write` puts in a temporary file of the same folder (then a rename). */
async function replaceFile(to: string, write: (temp: string) => Promise<void>, mode: number) {
  const temp = `${to}.${crypto.randomUUID()}.tmp`;
  try {
    await write(temp);
    await Deno.chmod(temp, mode);
    await Deno.rename(temp, to);
  } finally {
    await Deno.remove(temp).catch(() => {});
  }
}

/** Installs the command; returns what to tell the user. */
export async function install(paths: InstallPaths, env: {
  get(name: string): string | undefined;
}): Promise<string> {
  if (Deno.build.os === "windows") {
    throw new Error("on Windows, install the release executable (anaconda-*-windows-msvc.exe)");
  }
  await Deno.mkdir(paths.dataDir, { recursive: true });
  await Deno.mkdir(paths.binDir, { recursive: true });
  const bundlePath = `${paths.dataDir}/anaconda.js`;
  const deno = `${paths.dataDir}/deno`;
  await bundle(bundlePath);
  await replaceFile(deno, (temp) => Deno.copyFile(Deno.execPath(), temp), 0o755);
  const command = `${paths.binDir}/anaconda`;
  const script = wrapperScript(deno, bundlePath, runPermissions());
  await replaceFile(command, (temp) => Deno.writeTextFile(temp, script), 0o755);
  const lines = [
    `Installed anaconda ${VERSION} as ${command}`,
    `(it runs ${bundlePath} with Deno ${Deno.version.deno} copied to ${deno})`,
  ];
  if (!onPath(paths.binDir, env.get("PATH") ?? "")) {
    lines.push(`${paths.binDir} is not on your PATH. ${pathLine(paths.binDir, env.get("SHELL"))}`);
  }
  return `${lines.join("\n")}\n`;
}

if (import.meta.main) {
  if (Deno.args.length > 1 || Deno.args[0]?.startsWith("-")) {
    console.error("usage: deno task install [DIR]   (default DIR: ~/.local/bin)");
    Deno.exit(2);
  }
  try {
    const paths = installPaths(Deno.env, Deno.args[0]);
    console.error((await install(paths, Deno.env)).trimEnd());
  } catch (err) {
    console.error(`install: ${err instanceof Error ? err.message : String(err)}`);
    Deno.exit(1);
  }
}
