/**
 * `deno task bundle`: writes dist/anaconda.js, ONE self-contained ES module of the CLI
 * (`deno bundle`, esbuild), so that `deno run <url of anaconda.js>` works on a machine
 * that reaches the URL but no package registry. The compiled executables are built
 * from this file too, so every way of running the CLI runs the same code.
 *
 * The bundle is checked before it replaces the old one: its only imports may be Deno's
 * built-in `node:` modules. An `npm:` or bare import would be resolved at run time,
 * and a CommonJS dependency makes esbuild call `createRequire(import.meta.url)`, which
 * fails when the bundle runs from an `http(s)://` URL.
 *
 *   deno task bundle [--output PATH]     # default dist/anaconda.js
 * @module
 */
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

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

/** Bundles main.ts into `output` (replaced only by a bundle that passes the checks). */
export async function bundle(output: string = `${ROOT}${BUNDLE_PATH}`): Promise<number> {
  const slash = output.lastIndexOf("/");
  const dir = slash === -1 ? "." : output.slice(0, slash) || "/";
  await Deno.mkdir(dir, { recursive: true });
  const temp = `${dir}/.anaconda-${crypto.randomUUID()}.js`;
  try {
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      // `browser` picks the ES-module build of dual packages (yaml's `node` build is
      // CommonJS, which cannot run from a URL); `node:` and `Deno` APIs work as before.
      // Minified: the whole file is parsed at start-up, and its size costs memory.
      args: [
        "bundle",
        "--quiet",
        "--platform",
        "browser",
        "--minify",
        "--output",
        temp,
        "main.ts",
      ],
      cwd: ROOT,
      stdout: "null",
      stderr: "piped",
    }).output();
    if (code !== 0) {
      throw new Error(`deno bundle failed: ${new TextDecoder().decode(stderr).trim()}`);
    }
    const { size } = await Deno.stat(temp);
    if (size > MAX_BUNDLE_BYTES) {
      throw new Error(`the bundle is ${size} bytes, over the ${MAX_BUNDLE_BYTES} bytes expected`);
    }
    const problems = bundleProblems(await Deno.readTextFile(temp));
    if (problems.length > 0) {
      throw new Error(`the bundle is not self-contained: ${problems.join("; ")}`);
    }
    await Deno.rename(temp, output);
    return size;
  } finally {
    await Deno.remove(temp).catch(() => {});
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
