/**
 * The shape of the code (docs/design.md, "Folders and the layer rule"): the core never imports
 * the CLI, and no two folders of `src/` import each other, directly or through others; tests
 * may import `scripts/`, never the other way; the tests beside the code (the unit layer) start
 * no program and wait no fixed time.
 * @module
 */
import assert from "node:assert/strict";
import { ruleOffences } from "./line_rules.ts";

const ROOT = new URL("../", import.meta.url);
const SRC = new URL("../src/", import.meta.url);

/** Every `.ts` file under `src/`, as paths relative to it. */
async function sourceFiles(dir = ""): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(new URL(dir, SRC))) {
    const path = `${dir}${entry.name}`;
    if (entry.isDirectory) files.push(...await sourceFiles(`${path}/`));
    else if (entry.name.endsWith(".ts")) files.push(path);
  }
  return files.sort();
}

/** The modules under `src/` that a file imports: static, dynamic and re-exports. */
function importedPaths(file: string, text: string): string[] {
  const specifiers = [
    ...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"/gms),
    ...text.matchAll(/^\s*import\s+"([^"]+)"/gm),
    ...text.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g),
  ].map((match) => match[1]!);
  return specifiers.filter((specifier) => specifier.startsWith("."))
    .map((specifier) => new URL(specifier, new URL(file, SRC)).href)
    .filter((href) => href.startsWith(SRC.href))
    .map((href) => href.slice(SRC.href.length));
}

/** The folder of a `src/` path; the files at the top (errors.ts, context.ts...) are "src". */
function folderOf(path: string): string {
  const slash = path.indexOf("/");
  return slash === -1 ? "src" : path.slice(0, slash);
}

/** The edges `from -> to` of `edges` that are part of a cycle. */
function cycles(edges: Map<string, Set<string>>): string[] {
  const reaches = (from: string, to: string, seen = new Set<string>()): boolean => {
    if (from === to) return true;
    seen.add(from);
    return [...edges.get(from) ?? []].some((next) => !seen.has(next) && reaches(next, to, seen));
  };
  const found: string[] = [];
  for (const [from, targets] of edges) {
    for (const to of targets) if (reaches(to, from)) found.push(`${from} -> ${to}`);
  }
  return found;
}

async function importGraph(): Promise<Map<string, string[]>> {
  const graph = new Map<string, string[]>();
  for (const file of await sourceFiles()) {
    const text = await Deno.readTextFile(new URL(file, SRC));
    graph.set(file, importedPaths(file, text));
  }
  return graph;
}

Deno.test("nothing outside src/cli/ imports src/cli/", async () => {
  const offenders: string[] = [];
  for (const [file, imports] of await importGraph()) {
    if (folderOf(file) === "cli") continue;
    for (const target of imports) {
      if (target.startsWith("cli/")) {
        offenders.push(`src/${file} imports ${target}`);
      }
    }
  }
  assert.deepEqual(offenders, []);
});

Deno.test("the CLI framework (src/cli/framework/) imports no command of src/cli/", async () => {
  const offenders: string[] = [];
  for (const [file, imports] of await importGraph()) {
    if (!file.startsWith("cli/framework/")) continue;
    for (const target of imports) {
      if (target.startsWith("cli/") && !target.startsWith("cli/framework/")) {
        offenders.push(`src/${file} imports ${target}`);
      }
    }
  }
  assert.deepEqual(offenders, []);
});

Deno.test("the folders of src/ import each other in one direction only (no cycle)", async () => {
  const edges = new Map<string, Set<string>>();
  for (const [file, imports] of await importGraph()) {
    if (file.endsWith("_test.ts")) continue;
    const from = folderOf(file);
    for (const target of imports) {
      const to = folderOf(target);
      if (to === from) continue;
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)!.add(to);
    }
  }
  assert.deepEqual(cycles(edges), []);
});

Deno.test("the files of src/store and src/token import each other in one direction only", async () => {
  const edges = new Map<string, Set<string>>();
  for (const [file, imports] of await importGraph()) {
    if (file.endsWith("_test.ts") || !["store", "token"].includes(folderOf(file))) continue;
    edges.set(file, new Set(imports));
  }
  assert.deepEqual(cycles(edges), []);
});

Deno.test("the modules at the top of src/ import each other in one direction only, types too", async () => {
  const edges = new Map<string, Set<string>>();
  for (const [file, imports] of await importGraph()) {
    if (file.endsWith("_test.ts") || folderOf(file) !== "src") continue;
    edges.set(file, new Set(imports));
  }
  assert.deepEqual(cycles(edges), []);
});

Deno.test("the import checks see every kind of import line", () => {
  const text = [
    'import { a } from "../cli/errors.ts";',
    'import type {\n  B,\n} from "./b.ts";',
    'export { c } from "../c/c.ts";',
    'const d = await import("../d/d.ts");',
    'import { e } from "npm:e";',
    'import "../f/f.ts";',
  ].join("\n");
  assert.deepEqual(importedPaths("store/x.ts", text), [
    "cli/errors.ts",
    "store/b.ts",
    "c/c.ts",
    "f/f.ts",
    "d/d.ts",
  ]);
});

Deno.test("the core writes to no stream: notices go through context.notify", async () => {
  const offenders: string[] = [];
  for (const file of await sourceFiles()) {
    if (folderOf(file) === "cli" || file.endsWith("_test.ts") || file === "context.ts") continue;
    const lines = (await Deno.readTextFile(new URL(file, SRC))).split("\n");
    lines.forEach((line, index) => {
      if (/^\s*(\*|\/\/)/.test(line)) return; // documentation and comments
      if (/\.(stderr|stdout)\.write\b|\bconsole\.[a-z]+\(|Deno\.(stderr|stdout)\b/.test(line)) {
        offenders.push(`src/${file}:${index + 1}: ${line.trim()}`);
      }
    });
  }
  assert.deepEqual(offenders, []);
});

/** Every `.ts` file under the repository folder `dir` (`"scripts/"`), relative to the root. */
async function filesUnder(dir: string): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(new URL(dir, ROOT))) {
    const path = `${dir}${entry.name}`;
    if (entry.isDirectory) files.push(...await filesUnder(`${path}/`));
    else if (entry.name.endsWith(".ts")) files.push(path);
  }
  return files.sort();
}

/** The repository paths (`tests/support.ts`) that the file at `path` imports relatively. */
async function repositoryImports(path: string): Promise<string[]> {
  const text = await Deno.readTextFile(new URL(path, ROOT));
  return [
    ...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+"(\.[^"]+)"/gms),
    ...text.matchAll(/^\s*import\s+"(\.[^"]+)"/gm),
    ...text.matchAll(/\bimport\(\s*"(\.[^"]+)"\s*\)/g),
  ].map((match) => new URL(match[1]!, new URL(path, ROOT)).href.slice(ROOT.href.length));
}

Deno.test("scripts/ never imports tests/ (tests may import scripts/)", async () => {
  const offenders: string[] = [];
  for (const file of await filesUnder("scripts/")) {
    for (const target of await repositoryImports(file)) {
      if (target.startsWith("tests/")) offenders.push(`${file} imports ${target}`);
    }
  }
  assert.deepEqual(offenders, []);
});

Deno.test("the code in src/ imports neither tests/ nor scripts/ (only its tests do)", async () => {
  const offenders: string[] = [];
  for (const file of await filesUnder("src/")) {
    if (file.endsWith("_test.ts")) continue;
    for (const target of await repositoryImports(file)) {
      if (/^(tests|scripts)\//.test(target)) offenders.push(`${file} imports ${target}`);
    }
  }
  assert.deepEqual(offenders, []);
});

/** What a unit test must not do, and why: those tests belong in tests/. */
const NOT_IN_UNIT_TESTS: [string, RegExp][] = [
  ["starts a program", /\bDeno\.Command\b/],
  ["runs a program", /\b(?:runCli|runCliInTerminal|runProgram|runPython)\b/],
  ["starts a program", /\bdenoContext\(\)\.spawn\b/],
  ["waits a fixed time", /\bset(?:Timeout|Interval)\(|\bAtomics\.wait\b/],
];

/** `file:line: why: text` for each line of a unit test that starts a program or waits. */
function unitTestOffences(file: string, text: string): string[] {
  return ruleOffences(file, text, NOT_IN_UNIT_TESTS);
}

Deno.test("the tests beside the code start no program and wait no fixed time", async () => {
  const offenders: string[] = [];
  for (const file of await filesUnder("src/")) {
    if (!file.endsWith("_test.ts")) continue;
    offenders.push(...unitTestOffences(file, await Deno.readTextFile(new URL(file, ROOT))));
  }
  assert.deepEqual(offenders, []);
});

Deno.test("the unit-test check sees programs and fixed waits", () => {
  const text = [
    'await new Deno.Command("mkfifo", { args: [path] }).output();',
    'const result = await runCli(["sites", "list"], { home });',
    'await denoContext().spawn("sh", ["-c", "exit 3"], { timeoutMs: 1000 });',
    "await new Promise((resolve) => setTimeout(resolve, 100));",
    "const deadline = new Deadline(20);",
  ].join("\n");
  assert.deepEqual(unitTestOffences("x_test.ts", text).map((line) => line.split(": ")[1]), [
    "starts a program",
    "runs a program",
    "starts a program",
    "waits a fixed time",
  ]);
});
