/**
 * The repository explains itself (docs/design.md, "Folders and the layer rule"): no file cites a
 * document that is not in it, and every citation of docs/behaviour.md or docs/design.md names a
 * section, a difference id or an anchor that exists there.
 * @module
 */
import assert from "node:assert/strict";
import { ruleOffences } from "./line_rules.ts";
import { escapeRegExp } from "./paths.ts";

const ROOT = new URL("../", import.meta.url);

/** This file spells out the patterns it looks for. */
const SELF = "tests/repository_test.ts";

/** Folders never scanned: git's own, and what `.gitignore` lists (tools, builds). */
async function ignoredFolders(): Promise<Set<string>> {
  const ignored = new Set([".git"]);
  const text = await Deno.readTextFile(new URL(".gitignore", ROOT));
  for (const line of text.split("\n")) {
    const name = line.trim().replace(/^\//, "").replace(/\/$/, "");
    if (name !== "" && !name.startsWith("#") && !/[*?[]/.test(name)) ignored.add(name);
  }
  return ignored;
}

/** Every text file of the repository (relative paths), without the lock file's hashes. */
async function textFiles(): Promise<Map<string, string>> {
  const ignored = await ignoredFolders();
  const files = new Map<string, string>();
  const walk = async (dir: string): Promise<void> => {
    for await (const entry of Deno.readDir(new URL(dir || ".", ROOT))) {
      const path = `${dir}${entry.name}`;
      if (ignored.has(path) || path === "deno.lock") continue;
      if (entry.isDirectory) await walk(`${path}/`);
      else if (entry.isFile) {
        const bytes = await Deno.readFile(new URL(path, ROOT));
        if (!bytes.includes(0)) files.set(path, new TextDecoder().decode(bytes));
      }
    }
  };
  await walk("");
  return files;
}

/**
 * The names of the folder, contract and design notes that lived outside the repository,
 * put together here so that not even this file spells them out.
 */
const OUTSIDE_FOLDER = ["..", "shared"].join("/");
const OLD_CONTRACT = ["SP", "EC"].join("");
const OLD_DESIGN_NOTES = ["DES", "IGN.md"].join("");

/** References to the contract and design notes that lived outside the repository. */
const FOREIGN_REFERENCES: [string, RegExp][] = [
  ["a path outside the repository", new RegExp(`${escapeRegExp(OUTSIDE_FOLDER)}\\b`)],
  ["the old contract", new RegExp(`\\b${OLD_CONTRACT}\\b`)],
  ["the old design notes", new RegExp(`\\b${escapeRegExp(OLD_DESIGN_NOTES)}\\b`)],
  ["a part of the old contract", /\bPart [AB]'?(?![\w-])/],
  // `A19`, and the ends of a range: `A30-A33`, `A30–A33`.
  ["a row id of the old contract", /(?<![%\w])A(?:[1-9]|[1-3]\d)(?![\w])(?!-[^A\s])/],
  // An RFC's section sign points into that RFC, which is a fine place to point.
  ["a section of a document that is not here", /(?<!\bRFC \d+ )§/],
];

/** `file:line: why: text` for each line of `text` that cites a foreign document. */
function foreignReferences(file: string, text: string): string[] {
  return ruleOffences(file, text, FOREIGN_REFERENCES);
}

/** GitHub's anchor of a markdown heading. */
function anchorOf(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
}

/** The headings (`## Name`) of a markdown text. */
function headingsOf(markdown: string): string[] {
  return [...markdown.matchAll(/^#{1,6} +(.+?) *$/gm)].map((match) => match[1]!);
}

/**
 * The sections a comment cites, as `(docs/behaviour.md, "Device flow")` or
 * `(docs/behaviour.md, "Site fields" and "Configuration sources and precedence"; D3)`, with the
 * comment markers of wrapped lines taken out.
 */
function citedSections(text: string): { doc: string; section: string }[] {
  const joined = text.replace(/\n[ \t]*(?:\*|\/\/|#)?[ \t]*/g, " ");
  const found: { doc: string; section: string }[] = [];
  for (const match of joined.matchAll(/docs\/(behaviour|design)\.md,? ([^()]*?)(?:\)|$)/gm)) {
    for (const quoted of match[2]!.matchAll(/"([^"]+)"/g)) {
      found.push({ doc: `docs/${match[1]}.md`, section: quoted[1]! });
    }
  }
  return found;
}

/** The relative markdown links of `file` to a `.md` file of the repository, with an anchor. */
function anchoredLinks(file: string, text: string): { target: string; anchor: string }[] {
  const base = new URL(file, ROOT);
  return [...text.matchAll(/\]\(([^)#\s]*\.md)?#([^)\s]+)\)/g)].map((match) => ({
    target: new URL(match[1] ?? base.pathname.split("/").pop()!, base).href.slice(
      ROOT.href.length,
    ),
    anchor: match[2]!,
  }));
}

Deno.test("no file cites a document that is not in the repository", async () => {
  const found: string[] = [];
  for (const [file, text] of await textFiles()) {
    if (file !== SELF) found.push(...foreignReferences(file, text));
  }
  assert.deepEqual(found, []);
});

Deno.test("the scan sees each kind of foreign reference, and lets an RFC's section through", () => {
  const text = [
    `See ${OUTSIDE_FOLDER}/notes.md.`,
    `As ${OLD_CONTRACT} says.`,
    `${OLD_DESIGN_NOTES}, The shape`,
    "(Part B)",
    "(A19)",
    "(issue 16; A30-A33)",
    "see §5.2",
    "RFC 8628 §3.5: slow_down",
    "percent-encoded %A4, [A-Za-z0-9], docs/design.md",
  ].join("\n");
  assert.deepEqual(foreignReferences("x.ts", text).map((line) => line.split(": ")[1]), [
    "a path outside the repository",
    "the old contract",
    "the old design notes",
    "a part of the old contract",
    "a row id of the old contract",
    "a row id of the old contract",
    "a section of a document that is not here",
  ]);
});

Deno.test("every section, difference id and anchor cited in docs/ exists", async () => {
  const files = await textFiles();
  const headings = new Map(
    ["docs/behaviour.md", "docs/design.md", "README.md"].map((doc) => [
      doc,
      headingsOf(files.get(doc) ?? ""),
    ]),
  );
  const differences = new Set(
    [...(files.get("docs/behaviour.md") ?? "").matchAll(/^\| (D\d+) +\|/gm)].map((m) => m[1]!),
  );
  assert.ok(differences.size > 60, "docs/behaviour.md lists its differences as D1, D2...");
  const dangling: string[] = [];
  for (const [file, text] of files) {
    if (file === SELF) continue;
    for (const { doc, section } of citedSections(text)) {
      if (!headings.get(doc)?.includes(section)) dangling.push(`${file}: ${doc}, "${section}"`);
    }
    if (file !== "docs/behaviour.md") {
      for (const [id] of text.matchAll(/(?<!\w)D\d{1,3}(?!\w)/g)) {
        if (!differences.has(id)) dangling.push(`${file}: difference ${id}`);
      }
    }
    if (file.endsWith(".md")) {
      for (const { target, anchor } of anchoredLinks(file, text)) {
        const known = headings.get(target)?.map(anchorOf);
        if (known && !known.includes(anchor)) dangling.push(`${file}: ${target}#${anchor}`);
      }
    }
  }
  assert.deepEqual(dangling, []);
});

Deno.test("citations are read across wrapped comment lines", () => {
  const text = ' * Checks (docs/behaviour.md,\n * "Repository and validation"; D54): HEAD\n' +
    '// (docs/design.md, "Folders" and "Tests")';
  assert.deepEqual(citedSections(text), [
    { doc: "docs/behaviour.md", section: "Repository and validation" },
    { doc: "docs/design.md", section: "Folders" },
    { doc: "docs/design.md", section: "Tests" },
  ]);
  assert.equal(anchorOf("Differences for anaconda.org"), "differences-for-anacondaorg");
  assert.equal(anchorOf(".condarc edits"), "condarc-edits");
});
