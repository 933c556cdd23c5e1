import assert from "node:assert/strict";
import {
  applyEdits,
  type EntryStatement,
  formatKey,
  formatPath,
  formatString,
  formatTable,
  formatValue,
  lineEnding,
  scanToml,
  sectionsOf,
} from "./toml_edit.ts";

const TRICKY = `# top
title = "a # not a comment" # a comment
"quoted.key" = 'lit'
dotted . key = 1979-05-27 07:32:00Z
multi = """
line [not a table]
"quote" ""inside"" """
lit = '''
[nope]
'''
array = [
  1, # one
  [2, 3],
  { x = "}" },
]
inline = { a = { b = "]" } }

  [ sites . "anaconda.com" ] # header comment
domain = "anaconda.com"

[[fruits]]
name = "apple"
`;

Deno.test("scanToml finds every statement of a tricky document", () => {
  const statements = scanToml(TRICKY);
  const summary = statements.map((statement) => {
    if (statement.kind === "entry") return `entry ${JSON.stringify(statement.path)}`;
    if (statement.kind === "header") {
      return `${statement.array ? "array" : "header"} ${JSON.stringify(statement.path)}`;
    }
    return statement.kind;
  });
  assert.deepEqual(summary, [
    "comment",
    'entry ["title"]',
    'entry ["quoted.key"]',
    'entry ["dotted","key"]',
    'entry ["multi"]',
    'entry ["lit"]',
    'entry ["array"]',
    'entry ["inline"]',
    "blank",
    'header ["sites","anaconda.com"]',
    'entry ["sites","anaconda.com","domain"]',
    "blank",
    'array ["fruits"]',
    'entry ["fruits","name"]',
  ]);
  // Statements tile the text without gaps.
  let at = 0;
  for (const statement of statements) {
    assert.equal(statement.start, at);
    at = statement.end;
  }
  assert.equal(at, TRICKY.length);
});

Deno.test("scanToml records the exact value range of each entry", () => {
  const entries = scanToml(TRICKY).filter((statement): statement is EntryStatement =>
    statement.kind === "entry"
  );
  const values = Object.fromEntries(
    entries.map((entry) => [entry.path.join("."), TRICKY.slice(entry.valueStart, entry.valueEnd)]),
  );
  assert.equal(values.title, '"a # not a comment"');
  assert.equal(values["dotted.key"], "1979-05-27 07:32:00Z");
  assert.equal(values.multi, '"""\nline [not a table]\n"quote" ""inside"" """');
  assert.equal(values.inline, '{ a = { b = "]" } }');
  assert.ok(values.array?.startsWith("[\n") && values.array.endsWith("},\n]"));
});

Deno.test("scanToml decodes escapes in quoted keys", () => {
  const [entry] = scanToml('"a\\u00e9\\"b" = 1\n');
  assert.equal(entry?.kind, "entry");
  assert.deepEqual((entry as EntryStatement).keys, ['aé"b']);
});

Deno.test("scanToml handles CRLF line endings and a last line without newline", () => {
  const text = "a = 1\r\n\r\n[t]\r\nb = 2";
  const statements = scanToml(text);
  assert.deepEqual(statements.map((statement) => statement.kind), [
    "entry",
    "blank",
    "header",
    "entry",
  ]);
  assert.equal(statements.at(-1)?.end, text.length);
  assert.equal(lineEnding(text), "\r\n");
  assert.equal(lineEnding("a = 1\n"), "\n");
});

Deno.test("sectionsOf gives comments right above a header to that header", () => {
  const text = "a = 1\n# loose\n\n# about t\n[t]\nb = 2\n\n[u]\n";
  const [root, t, u] = sectionsOf(text, scanToml(text));
  assert.equal(text.slice(root?.start, root?.end), "a = 1\n# loose\n\n");
  assert.equal(text.slice(0, root?.bodyEnd), "a = 1\n# loose\n");
  assert.equal(text.slice(0, root?.lastEntryEnd), "a = 1\n");
  assert.equal(text.slice(t?.start, t?.end), "[t]\nb = 2\n\n");
  assert.equal(text.slice(u?.start, u?.end), "[u]\n");
  assert.equal(u?.lastEntryEnd, text.length);
});

Deno.test("formatKey quotes only keys that need it", () => {
  assert.equal(formatKey("short-name"), "short-name");
  assert.equal(formatKey("a_B-9"), "a_B-9");
  assert.equal(formatKey("anaconda.com"), '"anaconda.com"');
  assert.equal(formatKey("a b"), '"a b"');
  assert.equal(formatKey(""), '""');
  assert.equal(
    formatPath(["sites", "anaconda.com", "extra_headers"]),
    'sites."anaconda.com".extra_headers',
  );
});

Deno.test("formatString escapes quotes, backslashes and control characters", () => {
  assert.equal(formatString('q"b\\s\nt\tc\u0001d\u007fé'), '"q\\"b\\\\s\\nt\\tc\\u0001d\\u007fé"');
});

Deno.test("formatValue writes inline TOML values", () => {
  assert.equal(formatValue(true), "true");
  assert.equal(formatValue(30), "30");
  assert.equal(formatValue(0.5), "0.5");
  assert.equal(formatValue(["a", 1]), '["a", 1]');
  assert.equal(
    formatValue({ "X-A": "1", "a b": { c: false } }),
    '{ X-A = "1", "a b" = { c = false } }',
  );
  assert.equal(formatValue({}), "{}");
});

Deno.test("formatTable puts sub-tables after the plain values", () => {
  assert.equal(
    formatTable(["sites", "x"], { domain: "x.com", extra_headers: { A: "1" }, ssl_verify: false }),
    '[sites.x]\ndomain = "x.com"\nssl_verify = false\n\n[sites.x.extra_headers]\nA = "1"\n',
  );
  assert.equal(formatTable(["sites", "anaconda.com"], {}), '[sites."anaconda.com"]\n');
});

Deno.test("applyEdits keeps untouched text and adds the blank lines asked for", () => {
  const text = "a = 1\n[t]\nb = 2";
  const out = applyEdits(text, [
    { start: 4, end: 5, text: "9" },
    { start: 6, end: 6, text: "[new]\nc = 3\n", blankBefore: true, blankAfter: true },
    { start: text.length, end: text.length, text: "d = 4\n" },
  ]);
  assert.equal(out, "a = 9\n\n[new]\nc = 3\n\n[t]\nb = 2\nd = 4\n");
});

Deno.test("applyEdits writes inserted lines with the document's CRLF endings", () => {
  const text = "a = 1\r\n";
  assert.equal(
    applyEdits(text, [{ start: 7, end: 7, text: "[t]\nb = 2\n", blankBefore: true }]),
    "a = 1\r\n\r\n[t]\r\nb = 2\r\n",
  );
});

Deno.test("applyEdits rejects overlapping edits", () => {
  assert.throws(() =>
    applyEdits("abcdef", [{ start: 0, end: 3, text: "" }, { start: 2, end: 4, text: "" }])
  );
});
