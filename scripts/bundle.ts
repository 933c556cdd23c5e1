/**
 * `deno task bundle`: writes dist/anaconda.js, ONE self-contained ES module of the CLI
 * (`deno bundle`, esbuild), so that `deno run <url of anaconda.js>` works on a machine
 * that reaches the URL but no package registry. The compiled executables are built
 * from this file too, so every way of running the CLI runs the same code.
 *
 * Built in two steps, so that a command pays only for the code it runs: `deno bundle
 * --code-splitting` cuts the CLI into chunks at its dynamic imports (one per command,
 * the TOML writer, YAML, diff, BLAKE2, login, conda, the HTTP client...), then
 * scripts/link_chunks.ts links them into one module where each chunk is a function
 * called on first import. V8 compiles a function only when it first runs, and Deno's
 * code cache holds what start-up compiled, so `--version` or `auth api-key` neither
 * compile nor run the others (see the README, "Performance").
 *
 * The bundle is checked before it replaces the old one: its only imports may be Deno's
 * built-in `node:` modules. An `npm:` or bare import would be resolved at run time,
 * and a CommonJS dependency makes esbuild call `createRequire(import.meta.url)`, which
 * fails when the bundle runs from an `http(s)://` URL.
 *
 *   deno task bundle [--output PATH]     # default dist/anaconda.js
 * @module
 */

import { childEnv } from "./child_env.ts";
import { eagerCompiled } from "./eager_compile.ts";
import { HOT_COMMANDS, makeLoggedInHome } from "./hot_commands.ts";
import { linkChunks, linkChunksMapped, TRACE_PREFIX } from "./link_chunks.ts";
import { RUN_PERMISSIONS } from "./permissions.ts";

const ROOT = new URL("../", import.meta.url).pathname;

/** Where the bundle goes, relative to the project root. */
export const BUNDLE_PATH = "dist/anaconda.js";

/** Far above the real size (about 300 KB): a larger file means something was pulled in. */
export const MAX_BUNDLE_BYTES = 4 * 1024 * 1024;

/** The module specifiers the bundle still imports: static, re-exported and dynamic. */
export function bundleImports(code: string): string[] {
  const specifiers = [
    ...code.matchAll(/^\s*(?:import|export)\b[^;"'`]*?\bfrom\s*["']([^"']+)["']/gm),
    ...code.matchAll(/^\s*import\s*["']([^"']+)["']/gm),
    ...code.matchAll(/\bimport\(\s*["'`]([^"'`]+)["'`]\s*\)/g),
    ...code.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g),
  ].map((match) => match[1]!);
  return [...new Set(specifiers)].sort();
}

/** Why `code` would not run from a URL on a machine without a package registry; [] if it would. */
export function bundleProblems(code: string): string[] {
  const problems = bundleImports(code)
    .filter((specifier) => !specifier.startsWith("node:"))
    .map((specifier) => `it imports "${specifier}", which Deno would resolve at run time`);
  if (/\bcreateRequire\b/.test(code)) {
    problems.push(
      "it calls createRequire (a CommonJS dependency), which fails when run from an http(s) URL",
    );
  }
  if (/\bimport\(\s*[^\s"'`)]/.test(code)) {
    problems.push("it has an import() of a computed specifier, which a bundle cannot inline");
  }
  return problems;
}

/** Runs `deno <args>`; throws with its stderr when it fails. Returns its stdout. */
async function deno(args: string[], what: string): Promise<string> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (code !== 0) throw new Error(`${what} failed: ${new TextDecoder().decode(stderr).trim()}`);
  return new TextDecoder().decode(stdout);
}

/**
 * The chunks of main.ts (file name -> code), written by `deno bundle` into `dir`.
 * Minified unless `minify` is false: unminified, each module's code is headed by a
 * `// <path>` comment (tests/startup_modules_test.ts reads which modules a chunk holds).
 */
export async function splitBundle(
  dir: string,
  { minify = true }: { minify?: boolean } = {},
): Promise<Record<string, string>> {
  await deno([
    "bundle",
    "--quiet",
    // `browser` picks the ES-module build of dual packages (yaml's `node` build is
    // CommonJS, which cannot run from a URL); `node:` and `Deno` APIs work as before.
    "--platform",
    "browser",
    // Minified: less to read, hash and keep in memory at start-up.
    ...(minify ? ["--minify"] : []),
    "--code-splitting",
    "--outdir",
    dir,
    "main.ts",
  ], "deno bundle");
  const files: Record<string, string> = {};
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && entry.name.endsWith(".js")) {
      files[entry.name] = await Deno.readTextFile(`${dir}/${entry.name}`);
    }
  }
  return files;
}

/** What the hot commands run: the chunks they load, and the functions they call in each. */
interface HotCode {
  /** Chunk ids. */
  chunks: string[];
  /** By chunk file: where the functions the commands called end. */
  functions: Map<string, Set<number>>;
}

/**
 * What the hot commands run, learned by running each once from a linked bundle that
 * reports the chunks it runs and with V8's log of the functions it compiles (all of them
 * lazily: the ones called). `work` is a scratch folder.
 */
async function hotCode(files: Record<string, string>, work: string): Promise<HotCode> {
  const traced = `${work}/traced.js`;
  const linked = linkChunksMapped(files, "main.js", { trace: true });
  await Deno.writeTextFile(traced, linked.code);
  const url = new URL(`file://${traced}`).href;
  const home = await makeLoggedInHome("anaconda-bundle-");
  const chunks = new Set<string>();
  const functions = new Map<string, Set<number>>();
  try {
    for (const [index, args] of HOT_COMMANDS.entries()) {
      const log = `${work}/v8-${index}.log`;
      const { code, stderr } = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--quiet",
          "--no-code-cache",
          `--v8-flags=--log-function-events,--logfile=${log},--no-logfile-per-isolate`,
          ...RUN_PERMISSIONS,
          traced,
          ...args,
        ],
        cwd: home,
        env: childEnv(home),
        clearEnv: true,
        stdin: "null",
        stdout: "null",
        stderr: "piped",
      }).output();
      const lines = new TextDecoder().decode(stderr).split("\n");
      if (code !== 0) throw new Error(`anaconda ${args.join(" ")} failed: ${lines.join("\n")}`);
      for (const line of lines) {
        if (line.startsWith(TRACE_PREFIX)) chunks.add(line.slice(TRACE_PREFIX.length));
      }
      // `script-details,<id>,<url>,...` names the script; `function,parse-function,<id>,
      // <start>,<end>,...` is a function compiled on its first call.
      let script: string | undefined;
      for (const event of (await Deno.readTextFile(log)).split("\n")) {
        const fields = event.split(",");
        if (fields[0] === "script-details" && fields[2] === url) script = fields[1];
        if (fields[0] !== "function" || fields[1] !== "parse-function" || fields[2] !== script) {
          continue;
        }
        const found = linked.locate(Number(fields[4]));
        if (found === null) continue; // the linker's own code
        const ends = functions.get(found.file) ?? new Set<number>();
        ends.add(found.offset);
        functions.set(found.file, ends);
      }
    }
  } finally {
    await Deno.remove(home, { recursive: true });
  }
  return { chunks: [...chunks].sort(), functions };
}

/** Bundles main.ts into `output` (replaced only by a bundle that passes the checks). */
export async function bundle(output: string = `${ROOT}${BUNDLE_PATH}`): Promise<number> {
  const slash = output.lastIndexOf("/");
  const dir = slash === -1 ? "." : output.slice(0, slash) || "/";
  await Deno.mkdir(dir, { recursive: true });
  const work = `${dir}/.anaconda-${crypto.randomUUID()}`;
  const temp = `${work}.js`;
  try {
    const files = await splitBundle(`${work}/chunks`);
    const hot = await hotCode(files, work);
    for (const [file, ends] of hot.functions) files[file] = eagerCompiled(files[file]!, ends);
    const code = linkChunks(files, "main.js", { eager: hot.chunks });
    const size = new TextEncoder().encode(code).length;
    if (size > MAX_BUNDLE_BYTES) {
      throw new Error(`the bundle is ${size} bytes, over the ${MAX_BUNDLE_BYTES} bytes expected`);
    }
    const problems = bundleProblems(code);
    if (problems.length > 0) {
      throw new Error(`the bundle is not self-contained: ${problems.join("; ")}`);
    }
    await Deno.writeTextFile(temp, code);
    // The linked module must load and run (a link mistake is a SyntaxError at load).
    const version = await deno(
      ["run", "--quiet", "--no-code-cache", ...RUN_PERMISSIONS, temp, "--version"],
      "running the bundle",
    );
    if (!version.startsWith("anaconda-auth ")) {
      throw new Error(`the bundle printed ${JSON.stringify(version)} for --version`);
    }
    await Deno.rename(temp, output);
    return size;
  } finally {
    await Deno.remove(temp).catch(() => {});
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
}

if (import.meta.main) {
  const [flag, value] = Deno.args;
  if (Deno.args.length > 0 && !(flag === "--output" && value && Deno.args.length === 2)) {
    console.error("usage: deno task bundle [--output PATH]");
    Deno.exit(2);
  }
  try {
    const output = value ?? `${ROOT}${BUNDLE_PATH}`;
    const size = await bundle(output);
    console.error(`bundle: wrote ${output} (${Math.round(size / 1024)} KB)`);
  } catch (err) {
    console.error(`bundle: ${(err as Error).message}`);
    Deno.exit(1);
  }
}
