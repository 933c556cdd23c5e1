import assert from "node:assert/strict";
import fc from "fast-check";
import { parse as parseYaml } from "yaml";
import {
  applyCondarcEdits,
  type CondarcEdit,
  type CondarcValue,
  editedSettings,
  parseCondarc,
} from "./condarc_edit.ts";
import { CondarcError } from "./errors.ts";
import {
  defaultChannelsConfigured,
  defaultChannelsEdits,
  tokenRemoveEdits,
  tokenSettingsEdits,
} from "./conda_settings.ts";
import { CONDA_KEY_NAMES, namesOf } from "./conda_keys.ts";
import { fuzzRuns } from "../../tests/fuzz.ts";

const REPO = "https://repo.anaconda.cloud/repo/";
const PATH = "/home/u/.condarc";

function edit(text: string, edits: CondarcEdit[]): string {
  return applyCondarcEdits(parseCondarc(text, PATH), edits);
}

function errorOf(text: string): string {
  try {
    parseCondarc(text, PATH);
  } catch (err) {
    assert.ok(err instanceof CondarcError, String(err));
    return err.message;
  }
  throw new Error("no error");
}

Deno.test("default channels on an empty .condarc give exactly the Python tool's result", () => {
  const settings = parseCondarc("", PATH).settings;
  assert.equal(
    edit("", defaultChannelsEdits(settings, REPO)),
    "default_channels:\n" +
      "  - https://repo.anaconda.cloud/repo/main\n" +
      "  - https://repo.anaconda.cloud/repo/r\n" +
      "  - https://repo.anaconda.cloud/repo/msys2\n",
  );
});

Deno.test("edits keep comments, order, layout and unrelated keys byte for byte", () => {
  const before = [
    "# my conda settings",
    "channels:   # where packages come from",
    "- conda-forge",
    "- defaults",
    "",
    "# the old mirror",
    "default_channels: [https://mirror.example/main]   # flow style",
    "ssl_verify: true   # corporate proxy",
    "proxy_servers:",
    "    http: http://proxy:8080   # indented by four",
    "restore_free_channel: true",
    "signing_metadata_url_base: https://old.example",
    "",
    "# end of file",
    "",
  ].join("\n");
  const settings = parseCondarc(before, PATH).settings;
  const after = edit(before, [
    ...tokenSettingsEdits(REPO, { disableSslVerify: true }),
    ...defaultChannelsEdits(settings, REPO, ["free"]),
    { key: "signing_metadata_url_base", remove: true },
  ]);
  assert.equal(
    after,
    [
      "# my conda settings",
      "channels:   # where packages come from",
      "- conda-forge",
      "- defaults",
      "",
      "# the old mirror",
      "default_channels:",
      "  - https://repo.anaconda.cloud/repo/main",
      "  - https://repo.anaconda.cloud/repo/r",
      "  - https://repo.anaconda.cloud/repo/msys2",
      "  - https://repo.anaconda.cloud/repo/free",
      "ssl_verify: false   # corporate proxy",
      "proxy_servers:",
      "    http: http://proxy:8080   # indented by four",
      "restore_free_channel: false",
      "add_anaconda_token: true",
      "",
      "# end of file",
      "",
    ].join("\n"),
  );
});

Deno.test("token remove undoes token set and default channels, as the Python tool does", () => {
  const set = edit("channels: [defaults]\n", [
    ...tokenSettingsEdits(REPO, { signatureVerification: true }),
    ...defaultChannelsEdits({}, REPO),
  ]);
  assert.deepEqual(parseYaml(set), {
    channels: ["defaults"],
    add_anaconda_token: true,
    extra_safety_checks: true,
    signing_metadata_url_base: "https://repo.anaconda.cloud/repo",
    default_channels: [`${REPO}main`, `${REPO}r`, `${REPO}msys2`],
  });
  assert.equal(
    edit(set, tokenRemoveEdits()),
    "channels: [defaults]\nadd_anaconda_token: true\nextra_safety_checks: false\n",
  );
});

Deno.test("edits that change nothing return the same text", () => {
  const text = "add_anaconda_token: true  # yes\n";
  assert.equal(edit(text, tokenSettingsEdits(REPO)), text);
  assert.equal(edit("a: 1\n", [{ key: "missing", remove: true }]), "a: 1\n");
});

Deno.test("already configured means the repository's main, r and msys2 in any order", () => {
  const configured = (channels: unknown, archive: string[] = []) =>
    defaultChannelsConfigured({ default_channels: channels }, REPO, archive);
  assert.equal(configured([`${REPO}msys2`, `${REPO}main`, `${REPO}r`]), true);
  assert.equal(configured([`${REPO}main`, `${REPO}r`]), false);
  assert.equal(configured([`${REPO}main`, `${REPO}r`, `${REPO}msys2`], ["free"]), false);
  assert.equal(configured(["https://other/main", `${REPO}r`, `${REPO}msys2`]), false);
  assert.equal(configured(undefined), false);
});

Deno.test("CRLF files stay CRLF, a missing final newline is added before a new key", () => {
  assert.equal(
    edit("a: 1\r\nb: 2\r\n", [{ key: "c", value: ["x"] }, { key: "a", remove: true }]),
    "b: 2\r\nc:\r\n  - x\r\n",
  );
  assert.equal(edit("a: 1", [{ key: "b", value: true }]), "a: 1\nb: true\n");
  assert.equal(
    edit("# only a comment\n", [{ key: "b", value: true }]),
    "# only a comment\nb: true\n",
  );
  assert.equal(edit("a:\nb: 2\n", [{ key: "a", value: true }]), "a: true\nb: 2\n");
});

Deno.test("a flow-style root mapping is edited through the Document API", () => {
  const after = edit("{channels: [defaults], ssl_verify: true}\n", [
    { key: "ssl_verify", value: false },
    { key: "add_anaconda_token", value: true },
  ]);
  assert.deepEqual(parseYaml(after), {
    channels: ["defaults"],
    ssl_verify: false,
    add_anaconda_token: true,
  });
});

Deno.test("malformed .condarc files are one-line errors with the path and position", () => {
  assert.equal(
    errorOf("channels: [defaults\nssl_verify: true\n"),
    `${PATH}:2:1: Flow sequence in block collection must be sufficiently indented and end with a ]`,
  );
  assert.equal(errorOf("a: 1\na: 2\n"), `${PATH}:2:1: Map keys must be unique`);
  assert.equal(errorOf("- defaults\n"), `${PATH}: the top level is not a mapping of settings`);
  assert.equal(
    errorOf("a: 1\n---\nb: 2\n"),
    `${PATH}:2:1: more than one YAML document (a .condarc has one)`,
  );
  assert.equal(errorOf("\tchannels: []\n"), `${PATH}:1:1: Tabs are not allowed as indentation`);
});

Deno.test("an alias bomb is refused, not expanded", () => {
  const rows = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
  for (const name of "bcdefg") {
    const previous = String.fromCharCode(name.charCodeAt(0) - 1);
    rows.push(`${name}: &${name} [${Array(10).fill(`*${previous}`).join(", ")}]`);
  }
  const started = Date.now();
  assert.match(errorOf(rows.join("\n")), /^\/home\/u\/\.condarc: Excessive alias count/);
  assert.ok(Date.now() - started < 1000);
});

/**
 * conda's `ParameterLoader.raw_parameters_from_single_source`: a file that holds more
 * than one name of a parameter is a `MultipleKeysError`. The parameters whose names
 * collide in `settings`.
 */
function multipleKeys(settings: Record<string, unknown>): string[] {
  return Object.entries(CONDA_KEY_NAMES)
    .filter(([, names]) => names.filter((name) => Object.hasOwn(settings, name)).length > 1)
    .map(([key]) => key);
}

Deno.test("conda's old names are renamed in place, their comments and the rest kept (D55)", () => {
  const before = [
    "# build machine",
    "add_binstar_token: false   # old name",
    "channels: [conda-forge]",
    "verify_ssl: /etc/ssl/corp.pem   # corporate CA",
    "_default_channels:",
    "  - https://mirror.example/main",
    "",
  ].join("\n");
  const settings = parseCondarc(before, PATH).settings;
  const after = edit(before, [
    ...tokenSettingsEdits(REPO, { disableSslVerify: true }),
    ...defaultChannelsEdits(settings, REPO),
  ]);
  assert.equal(
    after,
    [
      "# build machine",
      "add_anaconda_token: true   # old name",
      "channels: [conda-forge]",
      "ssl_verify: false   # corporate CA",
      "default_channels:",
      "  - https://repo.anaconda.cloud/repo/main",
      "  - https://repo.anaconda.cloud/repo/r",
      "  - https://repo.anaconda.cloud/repo/msys2",
      "",
    ].join("\n"),
  );
  assert.deepEqual(multipleKeys(parseCondarc(after, PATH).settings), []);
});

Deno.test("every name conda reads for a key we write: set renames it, remove removes it", () => {
  for (const [key, names] of Object.entries(CONDA_KEY_NAMES)) {
    for (const alias of names.filter((name) => name !== key)) {
      const before = `# top\n${alias}: old   # note\nother: 1\n`;
      assert.equal(
        edit(before, [{ key, value: "new" }]),
        `# top\n${key}: new   # note\nother: 1\n`,
        alias,
      );
      assert.equal(edit(before, [{ key, remove: true }]), "# top\nother: 1\n", alias);
      // A file that already holds both names (conda refuses it) keeps only the key.
      const both = `${key}: a\n${alias}: b\n`;
      assert.equal(edit(both, [{ key, value: "c" }]), `${key}: c\n`, alias);
      assert.equal(edit(`${alias}: b\n${key}: a\n`, [{ key, value: "c" }]), `${key}: c\n`);
    }
  }
  // Several old names: the first in conda's order is renamed, the others go.
  assert.equal(
    edit("channel: [a]\n_channels: [b]\nx: 1\n", [{ key: "channels", value: ["defaults"] }]),
    "channels:\n  - defaults\nx: 1\n",
  );
  // The Document API path does the same.
  assert.deepEqual(
    parseYaml(edit("{add_binstar_token: false, x: 1}\n", tokenSettingsEdits(REPO))),
    { add_anaconda_token: true, x: 1 },
  );
});

Deno.test("the edits of token set, install and remove never leave two names of one setting", () => {
  const aliasFile = Object.entries(CONDA_KEY_NAMES)
    .flatMap(([key, names]) => names.filter((name) => name !== key).slice(0, 1))
    .map((name) => `${name}: x`).join("\n");
  const settings = parseCondarc(aliasFile, PATH).settings;
  const allEdits: CondarcEdit[][] = [
    tokenSettingsEdits(REPO, { disableSslVerify: true, signatureVerification: true }),
    defaultChannelsEdits(settings, REPO, ["free"]),
    tokenRemoveEdits(),
    [{ key: "channels", value: ["defaults"] }],
  ];
  for (const edits of allEdits) {
    const after = parseCondarc(edit(aliasFile, edits), PATH).settings;
    assert.deepEqual(multipleKeys(after), [], JSON.stringify(after));
    for (const { key } of edits) {
      assert.deepEqual(namesOf(key).filter((name) => name !== key && name in after), [], key);
    }
  }
});

// Property tests (issue 11): unrelated keys and comments survive any of our edits, and
// the result parses again to exactly the intended settings.

const OUR_KEYS = [
  "default_channels",
  "add_anaconda_token",
  "ssl_verify",
  "restore_free_channel",
  "extra_safety_checks",
  "signing_metadata_url_base",
] as const;

/** Our keys and the other names conda reads them by (the files may hold those). */
const FILE_KEYS = OUR_KEYS.flatMap((key) => namesOf(key));

const word = fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/);
const plainWord = fc.stringMatching(/^[a-z][a-z0-9._-]{0,8}(:[a-z0-9/._-]{1,8})?$/);
const plainText = fc.array(plainWord, { minLength: 1, maxLength: 3 }).map((words) =>
  words.join(" ")
);

/** A value in one of the layouts people write, with its YAML text (after `key:`). */
const valueText: fc.Arbitrary<string> = fc.oneof(
  plainText.map((text) => ` ${text}`),
  plainText.map((text) => ` "${text}"`),
  fc.boolean().map((flag) => ` ${flag}`),
  fc.integer({ min: -99, max: 999 }).map((n) => ` ${n}`),
  fc.array(word, { minLength: 0, maxLength: 3 }).map((items) => ` [${items.join(", ")}]`),
  fc.tuple(fc.array(plainText, { minLength: 1, maxLength: 3 }), fc.constantFrom("", "  ", "    "))
    .map(([items, indent]) => `\n${items.map((item) => `${indent}- ${item}`).join("\n")}`),
  fc.array(fc.tuple(word, plainText), { minLength: 1, maxLength: 2 }).map((entries) =>
    `\n${[...new Map(entries)].map(([key, text]) => `  ${key}: ${text}`).join("\n")}`
  ),
);

interface Line {
  key: string;
  text: string;
  comment: string | null;
}

const condarcFile = fc.record({
  entries: fc.uniqueArray(
    fc.record({
      key: fc.oneof(word.map((key) => `x_${key}`), fc.constantFrom(...FILE_KEYS)),
      value: valueText,
      comment: fc.option(word.map((text) => `# note ${text}`)),
      above: fc.option(word.map((text) => `# about ${text}`)),
    }),
    { selector: (entry) => entry.key, maxLength: 8 },
  ),
  header: fc.option(word.map((text) => `# header ${text}`)),
  footer: fc.option(word.map((text) => `# footer ${text}`)),
});

const ourValue: fc.Arbitrary<CondarcValue> = fc.oneof(
  fc.boolean(),
  plainText,
  fc.array(plainText.map((text) => `https://${text.replace(/ /g, "")}`), { maxLength: 4 }),
);

const ourEdits = fc.array(
  fc.oneof(
    fc.record({ key: fc.constantFrom(...OUR_KEYS), value: ourValue }),
    fc.record({ key: fc.constantFrom(...OUR_KEYS), remove: fc.constant(true as const) }),
  ),
  { maxLength: 6 },
);

const RUNS = fuzzRuns(300);

Deno.test("property: unrelated keys and comments survive, and the result parses again", () => {
  fc.assert(
    fc.property(condarcFile, ourEdits, (file, edits) => {
      const lines: Line[] = [];
      const rows: string[] = [];
      if (file.header) rows.push(file.header);
      for (const entry of file.entries) {
        if (entry.above) rows.push(entry.above);
        // A trailing comment only after a one-line value.
        const comment = entry.value.includes("\n") ? null : entry.comment;
        const text = `${entry.key}:${entry.value}${comment ? `   ${comment}` : ""}`;
        rows.push(text);
        lines.push({ key: entry.key, text, comment });
      }
      if (file.footer) rows.push(file.footer);
      const before = rows.length === 0 ? "" : `${rows.join("\n")}\n`;
      const condarc = parseCondarc(before, PATH);
      const after = applyCondarcEdits(condarc, edits);

      // It parses again, to exactly the intended settings.
      assert.deepEqual(parseCondarc(after, PATH).settings, editedSettings(condarc.settings, edits));
      // Unrelated keys keep their text, comments included; full-line comments all stay.
      const edited = new Set<string>(edits.flatMap((item) => namesOf(item.key)));
      for (const line of lines) {
        if (!edited.has(line.key)) assert.ok(after.includes(line.text), line.text);
      }
      for (const row of rows.filter((text) => text.startsWith("#"))) {
        assert.ok(after.includes(row), row);
      }
    }),
    { seed: 20240611, numRuns: RUNS },
  );
});

Deno.test("property: applying the same edits twice changes nothing the second time", () => {
  fc.assert(
    fc.property(condarcFile, ourEdits, (file, edits) => {
      const text = file.entries.map((entry) => `${entry.key}:${entry.value}`).join("\n");
      const once = applyCondarcEdits(parseCondarc(text, PATH), edits);
      assert.equal(applyCondarcEdits(parseCondarc(once, PATH), edits), once);
    }),
    { seed: 20240612, numRuns: RUNS },
  );
});
