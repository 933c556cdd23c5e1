/**
 * `deno task compile`: one self-contained `anaconda` executable per OS in dist/, built
 * FROM THE BUNDLE (dist/anaconda.js, scripts/bundle.ts) so that every way of running
 * the CLI runs the same code, with the permission set of deno.json for that OS and
 * `--no-prompt` (a binary never asks about Deno permissions); then dist/SHA256SUMS
 * (`sha256sum -c` format) for the bundle and the executables.
 *
 * `deno compile` downloads `denort` (Deno's runtime without the tooling) for each
 * target from dl.deno.land unless it is in Deno's cache. Offline, set DENORT_BIN to a
 * denort executable: deno compile then uses that file as it is, whatever the target,
 * so one target is built at a time.
 *
 *   deno task compile                          # every target
 *   deno task compile x86_64-unknown-linux-gnu # some targets
 *   deno task compile --out-dir DIR ...        # somewhere else than dist/
 * @module
 */
import { bundle } from "./bundle.ts";
import { permissionSetName } from "./permissions.ts";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

export const TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
] as const;

export type Target = (typeof TARGETS)[number];

/** A failure with a one-line message for the user. */
export class CompileError extends Error {
  override name = "CompileError";
}

/** A wrong command line (exit code 2). */
export class UsageError extends CompileError {
  override name = "UsageError";
}

/** The file name of the executable for `target`, as released and as install.sh fetches it. */
export function executableName(target: Target): string {
  return `anaconda-${target}${target.includes("windows") ? ".exe" : ""}`;
}

/** The OS of a target triple, as `Deno.build.os` names it. */
function targetOs(target: Target): typeof Deno.build.os {
  if (target.includes("windows")) return "windows";
  if (target.includes("apple")) return "darwin";
  return "linux";
}

/** One line from deno compile's error output: why denort could not be fetched, or null. */
export function denortFailure(stderr: string, target: string): string | null {
  if (!stderr.includes(`denort-${target}`)) return null;
  const url = stderr.match(/https:\/\/\S+?denort-[\w-]+\.zip/)?.[0] ?? "dl.deno.land";
  // The numbered "Caused by" lines, not those of the stack backtrace after them.
  const causedBy = stderr.split("Stack backtrace:")[0]!;
  const causes = [...causedBy.matchAll(/^\s*\d+: (.+)$/gm)].map((match) => match[1]!.trim());
  const cause = causes.at(-1) ?? "download failed";
  return `could not download denort for ${target} from ${url} (${cause}); ` +
    "deno compile needs internet access, or DENORT_BIN set to a denort executable of that target";
}

async function compileTarget(target: Target, bundlePath: string, outDir: string): Promise<void> {
  const output = `${outDir}/${executableName(target)}`;
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "compile",
      "--quiet",
      "--no-check",
      // The bundle may be outside the project: name the config with the permission sets.
      "--config",
      `${ROOT}deno.json`,
      `--permission-set=${permissionSetName(targetOs(target))}`,
      "--no-prompt",
      "--target",
      target,
      "--output",
      output,
      bundlePath,
    ],
    cwd: ROOT,
    stdout: "null",
    stderr: "piped",
  }).output();
  if (code !== 0) {
    const text = new TextDecoder().decode(stderr);
    throw new CompileError(
      denortFailure(text, target) ??
        `deno compile for ${target} failed: ${text.replace(/\s+/g, " ").trim()}`,
    );
  }
}

async function sha256Hex(path: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * Writes `<dir>/SHA256SUMS` (`<hex>  <name>` lines, as `sha256sum` prints them) for
 * the release files in `dir`: the bundle and each target's executable.
 */
export async function writeChecksums(dir: string): Promise<string[]> {
  const names = ["anaconda.js", ...TARGETS.map(executableName)];
  const lines: string[] = [];
  for (const name of names) {
    try {
      lines.push(`${await sha256Hex(`${dir}/${name}`)}  ${name}`);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
  }
  const temp = `${dir}/.SHA256SUMS-${crypto.randomUUID()}`;
  await Deno.writeTextFile(temp, lines.map((line) => `${line}\n`).join(""));
  await Deno.rename(temp, `${dir}/SHA256SUMS`);
  return lines;
}

/** Checks the command line: the targets to build and the output folder. */
export function parseArgs(args: string[]): { targets: Target[]; outDir: string } {
  let outDir = `${ROOT}dist`;
  const targets: Target[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--out-dir") {
      const value = args[++i];
      if (!value) throw new UsageError("--out-dir needs a folder");
      outDir = value;
    } else if ((TARGETS as readonly string[]).includes(arg)) {
      targets.push(arg as Target);
    } else {
      throw new UsageError(`unknown target "${arg}"; known: ${TARGETS.join(", ")}`);
    }
  }
  return { targets: targets.length > 0 ? targets : [...TARGETS], outDir };
}

/** Builds the bundle, the executables of `targets` and the checksums into `outDir`. */
export async function compile(targets: Target[], outDir: string): Promise<void> {
  const denort = Deno.env.get("DENORT_BIN");
  if (denort) {
    if (targets.length !== 1) {
      throw new CompileError(
        "DENORT_BIN names the denort of one target: build one target at a time",
      );
    }
    try {
      if (!(await Deno.stat(denort)).isFile) throw new Deno.errors.NotFound();
    } catch {
      throw new CompileError(`DENORT_BIN "${denort}" is not a file`);
    }
  }
  await Deno.mkdir(outDir, { recursive: true });
  const bundlePath = `${outDir}/anaconda.js`;
  await bundle(bundlePath);
  for (const target of targets) {
    await compileTarget(target, bundlePath, outDir);
    console.error(`compile: built ${outDir}/${executableName(target)}`);
  }
  await writeChecksums(outDir);
  console.error(`compile: wrote ${outDir}/SHA256SUMS`);
}

if (import.meta.main) {
  try {
    const { targets, outDir } = parseArgs(Deno.args);
    await compile(targets, outDir);
  } catch (err) {
    console.error(`compile: ${(err as Error).message}`);
    Deno.exit(err instanceof UsageError ? 2 : 1);
  }
}
