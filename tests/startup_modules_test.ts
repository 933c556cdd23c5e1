/**
 * The hot commands load only what they use. Each runs in a home whose file keyring holds
 * a valid key (scripts/hot_commands.ts, as `deno task bench` runs them), from source and
 * from the bundle, and must evaluate none of the code of other work: YAML, TOML, diffs,
 * BLAKE2, logins, anaconda.org, the HTTP client, the doctor, conda's configuration, the
 * OS keyrings, config writing. A static import on a hot path that pulls one of them in
 * fails here, whatever the timings of the machine.
 *
 * `auth api-key` takes its fast path there (src/cli/auth/api_key_fast_path.ts): it must load
 * neither the command tree nor more modules than that path needs; `--version` loads no more
 * than the version.
 *
 * - From source, Deno's debug log names every module it compiles (with its code cache).
 * - The bundle is linked with a trace of the chunks it runs (scripts/link_chunks.ts); an
 *   unminified build heads each module's code with its path, which maps chunks to modules.
 * @module
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { splitBundle } from "../scripts/bundle.ts";
import { HOT_COMMANDS, makeLoggedInHome } from "../scripts/hot_commands.ts";
import { linkChunksMapped, TRACE_PREFIX } from "../scripts/link_chunks.ts";
import { cleanEnv, RUN_PERMISSIONS, runProgram } from "./support.ts";

const ROOT = new URL("../", import.meta.url);

/** What no hot command may load: [module pattern, what it is]. */
const FOREIGN: [RegExp, string][] = [
  [/^npm:yaml$/, "YAML"],
  [/^npm:smol-toml$/, "TOML (no config.toml here)"],
  [/^npm:diff$/, "diff"],
  [/^npm:@noble\/hashes$/, "BLAKE2"],
  [/^src\/login\//, "a login flow"],
  [/^src\/cli\/(auth\/login|auth\/logout|org)\.ts$/, "a login command"],
  [/^src\/org\//, "anaconda.org"],
  [/^src\/http\//, "the HTTP client"],
  [/^src\/(doctor\/|cli\/auth\/doctor\.ts)/, "the doctor"],
  // `token list` reads conda's token files; the rest of src/conda edits conda's settings.
  [/^src\/conda\/(?!(token_files|repo_url|errors)\.ts$)/, "conda's configuration"],
  [
    /^src\/config\/(toml_edit|toml_parse|sites_editor|sites_update|config_diff|redact_toml)\.ts$/,
    "TOML",
  ],
  [/^src\/(backups|browser|lock)\.ts$/, "config or keyring writing, or the browser"],
  [/^src\/store\/(?!(file_keyring|token_store|secret_store)\.ts$)/, "an OS keyring"],
];

/** What `--version` and `--help` do not touch: settings, stores, tokens. */
const NOT_FOR_VERSION_OR_HELP = /^src\/(config\/(load|sources|schema)|store|token)\b/;

/**
 * The most modules a source run of the `auth api-key` fast path loads: each costs about
 * 0.7 ms from source (README, "Performance").
 */
const MAX_FAST_PATH_MODULES = 15;

/** `src/x.ts` for a module of this project, `npm:<package>` for an npm one, else null. */
function moduleName(pathOrUrl: string): string | null {
  const npm = /registry\.npmjs\.org\/((?:@[^/]+\/)?[^/]+)\//.exec(pathOrUrl);
  if (npm) return `npm:${npm[1]}`;
  const local = /(?:^|\/)((?:src|scripts)\/.+\.ts|main\.ts)$/.exec(pathOrUrl);
  return local ? local[1]! : null;
}

/** Every module that `command` loads from source, from Deno's debug log. */
async function sourceModules(args: string[], home: string): Promise<Set<string>> {
  const result = await runProgram(
    Deno.execPath(),
    [
      "run",
      "--log-level=debug",
      ...RUN_PERMISSIONS,
      fileURLToPath(new URL("main.ts", ROOT)),
      ...args,
    ],
    { cwd: home, env: cleanEnv(home) },
  );
  assert.deepEqual(result.code, 0, result.stderr.slice(-2000));
  const modules = new Set<string>();
  for (
    const [, url] of result.stderr.matchAll(/(?:for ES module|specifier): (file:\/\/[^,\s]+)/g)
  ) {
    const name = moduleName(decodeURIComponent(new URL(url!).pathname));
    if (name) modules.add(name);
  }
  return modules;
}

/** The linked, traced bundle and the modules of each chunk. */
async function tracedBundle(
  work: string,
): Promise<{ path: string; modules: Map<string, string[]> }> {
  const files = await splitBundle(`${work}/chunks`, { minify: false });
  const modules = new Map<string, string[]>();
  for (const [file, code] of Object.entries(files)) {
    const names = [...code.matchAll(/^\/\/ (\S+\.(?:ts|js|mjs))$/gm)]
      .map((match) => moduleName(match[1]!))
      .filter((name): name is string => name !== null);
    modules.set(file.replace(/\.js$/, ""), names);
  }
  const path = `${work}/traced.js`;
  await Deno.writeTextFile(path, linkChunksMapped(files, "main.js", { trace: true }).code);
  return { path, modules };
}

/** Every module that `command` evaluates from the bundle: the entry and the chunks it runs. */
async function bundleModules(
  bundle: { path: string; modules: Map<string, string[]> },
  args: string[],
  home: string,
): Promise<Set<string>> {
  const result = await runProgram(
    Deno.execPath(),
    ["run", "--quiet", ...RUN_PERMISSIONS, bundle.path, ...args],
    { cwd: home, env: cleanEnv(home) },
  );
  assert.deepEqual(result.code, 0, result.stderr);
  const chunks = [
    "main",
    ...result.stderr.split("\n").filter((line) => line.startsWith(TRACE_PREFIX))
      .map((line) => line.slice(TRACE_PREFIX.length)),
  ];
  return new Set(chunks.flatMap((chunk) => bundle.modules.get(chunk) ?? []));
}

/** Why `modules` (what `args` loaded) is too much; [] when it is not. */
function foreignModules(args: string[], modules: Set<string>): string[] {
  const found: string[] = [];
  for (const name of modules) {
    for (const [pattern, what] of FOREIGN) if (pattern.test(name)) found.push(`${name} (${what})`);
    if (args[0]?.startsWith("--") && NOT_FOR_VERSION_OR_HELP.test(name)) found.push(name);
  }
  return found;
}

Deno.test("the hot commands load none of the code of other work, from source and bundled", async () => {
  const home = await makeLoggedInHome("anaconda-modules-");
  const work = await Deno.makeTempDir({ prefix: "anaconda-modules-bundle-" });
  try {
    const bundle = await tracedBundle(work);
    for (const args of HOT_COMMANDS) {
      const loaded = {
        source: await sourceModules(args, home),
        bundle: await bundleModules(bundle, args, home),
      };
      for (const [variant, modules] of Object.entries(loaded)) {
        const command = `${variant} anaconda ${args.join(" ")}`;
        const listed = `${command}: ${[...modules].join(", ")}`;
        if (args.join(" ") === "auth api-key") {
          assert(modules.has("src/cli/auth/api_key_fast_path.ts"), listed);
          assert(!modules.has("src/cli/root.ts"), `${listed}: not the fast path?`);
          if (variant === "source") assert(modules.size <= MAX_FAST_PATH_MODULES, listed);
        } else if (args.join(" ") === "--version") {
          // The version, and nothing of the command tree.
          assert.deepEqual([...modules].filter((name) => name.startsWith("src/cli/")), [
            "src/cli/process_end.ts",
          ], listed);
          assert(modules.has("src/version.ts"), listed);
        } else {
          // What every other command runs: the log and the trace do name what was loaded.
          assert(modules.has("src/cli/root.ts"), listed);
        }
        if (args[0] === "auth" || args[0] === "sites" || args[0] === "token") {
          assert(modules.has("src/store/file_keyring.ts"), `${command} read no keyring?`);
        }
        assert.deepEqual(foreignModules(args, modules), [], command);
      }
    }
  } finally {
    await Deno.remove(home, { recursive: true });
    await Deno.remove(work, { recursive: true });
  }
});
