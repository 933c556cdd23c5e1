/**
 * Edits of a `.condarc` that keep everything they do not touch: comments, order, quoting,
 * indentation and unrelated keys (D52). Only top-level keys are set or removed. An edit splices
 * the text of that one key (found through the `yaml` package's source ranges); every result is
 * parsed again and checked against the intended settings, and a layout the splicer does not
 * handle (a flow mapping, an indented root) goes through `yaml`'s Document API instead, which
 * keeps comments but may re-indent.
 *
 * A key that conda also reads under another name (`conda_keys.ts`) is renamed in place when set
 * and removed under every name, so that conda never sees two names of one setting in a file
 * (D55). `finalMarks` reads the `#!final` comments conda's merge honours.
 *
 * Bounds: the caller reads at most `MAX_CONDARC_BYTES`; aliases are expanded at most
 * `MAX_ALIAS_COUNT` times (an alias bomb is an error, not a hang).
 * @module
 */
import {
  type Document,
  isMap,
  isScalar,
  type Pair,
  parseDocument,
  Scalar,
  stringify,
  type YAMLMap,
} from "yaml";
import { CondarcError } from "./errors.ts";
import { namesOf } from "./conda_keys.ts";
import { errorMessage } from "../errors.ts";

/** A `.condarc` is a few kilobytes; a bigger file is refused rather than loaded. */
export const MAX_CONDARC_BYTES = 1024 * 1024;

/** How many alias expansions `toJS` allows before it calls the document an attack. */
export const MAX_ALIAS_COUNT = 1000;

/** A value this project writes into a `.condarc`. */
export type CondarcValue = string | boolean | string[];

/**
 * Set a top-level key (in place when it exists, else at the end), or remove it. A key
 * that conda also reads under other names (`add_binstar_token` for
 * `add_anaconda_token`...) is set by renaming an old name in place, and removed under
 * every name: conda refuses a file that holds two names of one setting (D55).
 */
export type CondarcEdit =
  | { key: string; value: CondarcValue }
  | { key: string; remove: true };

/** One change of the text: an edit, or an old name of a key renamed to the key. */
type Step = CondarcEdit | { key: string; renameTo: string };

/**
 * The steps of `edit` on a file that holds the top-level keys `present`: for a set, the
 * other old names go, and the first old name (when the key itself is missing) is
 * renamed where it stands; for a removal, every name goes.
 */
function stepsOf(edit: CondarcEdit, present: ReadonlySet<string>): Step[] {
  const others = namesOf(edit.key).filter((name) => name !== edit.key && present.has(name));
  if ("remove" in edit) {
    return [edit, ...others.map((name): Step => ({ key: name, remove: true }))];
  }
  if (present.has(edit.key) || others.length === 0) {
    return [...others.map((name): Step => ({ key: name, remove: true })), edit];
  }
  const [renamed, ...rest] = others;
  return [
    ...rest.map((name): Step => ({ key: name, remove: true })),
    { key: renamed!, renameTo: edit.key },
    edit,
  ];
}

/** A parsed `.condarc`. */
export interface Condarc {
  /** Where it was read from (for messages). */
  path: string;
  /** The text as read ("" for a missing file). */
  text: string;
  /** The top-level settings as plain values. */
  settings: Record<string, unknown>;
}

const PARSE_OPTIONS = { prettyErrors: true, uniqueKeys: true, strict: true } as const;
const STRINGIFY_OPTIONS = { indentSeq: true, lineWidth: 0 } as const;

/** `path:line:col: message` of the first error, like the TOML errors (D4). */
function syntaxError(
  path: string,
  error: { code: string; message: string; linePos?: unknown[] },
): CondarcError {
  const position = error.linePos?.[0] as { line: number; col: number } | undefined;
  const message = error.code === "MULTIPLE_DOCS"
    ? "more than one YAML document (a .condarc has one)"
    : error.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
  const where = position ? `${path}:${position.line}:${position.col}` : path;
  return new CondarcError(`${where}: ${message}`);
}

/** The document of `text`, or the error that says why it is not a `.condarc`. */
function parse(text: string, path: string): { doc: Document; settings: Record<string, unknown> } {
  const doc = parseDocument(text, PARSE_OPTIONS);
  const [error] = doc.errors;
  if (error) throw syntaxError(path, error);
  if (doc.contents !== null && !isMap(doc.contents)) {
    throw new CondarcError(`${path}: the top level is not a mapping of settings`);
  }
  let settings: unknown;
  try {
    settings = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    const reason = errorMessage(err);
    throw new CondarcError(`${path}: ${reason}`);
  }
  return { doc, settings: (settings ?? {}) as Record<string, unknown> };
}

/** Parses `.condarc` text; a syntax error becomes `CondarcError: <path>:<line>:<col>: ...`. */
export function parseCondarc(text: string, path: string): Condarc {
  return { path, text, settings: parse(text, path).settings };
}

/** The settings after `edits`, as plain values: what the edited text must parse to. */
export function editedSettings(
  settings: Record<string, unknown>,
  edits: CondarcEdit[],
): Record<string, unknown> {
  const result = { ...settings };
  for (const edit of edits) {
    for (const name of namesOf(edit.key)) delete result[name];
    if (!("remove" in edit)) result[edit.key] = edit.value;
  }
  return result;
}

/** Deep equality of plain YAML values (the core schema has no dates or sets). */
function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length &&
      a.every((item, index) => sameValue(item, b[index]));
  }
  if (a !== null && b !== null && typeof a === "object" && typeof b === "object") {
    const keys = Object.keys(a);
    const other = b as Record<string, unknown>;
    return keys.length === Object.keys(other).length &&
      keys.every((key) =>
        key in other && sameValue((a as Record<string, unknown>)[key], other[key])
      );
  }
  return Object.is(a, b);
}

/** The top-level pair of `key`, if any. */
function findPair(map: YAMLMap, key: string): Pair<unknown, unknown> | undefined {
  return map.items.find((pair) => isScalar(pair.key) && String(pair.key.value) === key);
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf("\n", offset - 1) + 1;
}

type Ranged = { range?: [number, number, number] | null };

/** Where the text of a pair ends: after its value, a trailing comment and the line break. */
function pairEnd(text: string, pair: Pair<unknown, unknown>): number {
  const node = (pair.value ?? pair.key) as Ranged;
  let end = node.range?.[2] ?? 0;
  if (end > 0 && text[end - 1] === "\n") return end;
  const newline = text.indexOf("\n", end);
  const rest = text.slice(end, newline === -1 ? text.length : newline);
  if (/^\s*(#.*)?$/.test(rest)) end = newline === -1 ? text.length : newline + 1;
  return end;
}

/** `key: value` as block YAML with a final line break. */
function renderPair(key: string, value: CondarcValue): string {
  return stringify({ [key]: value }, STRINGIFY_OPTIONS);
}

/** A plain or quoted scalar whose text can be swapped without touching its key or comment. */
function isInlineScalar(node: unknown): node is Scalar & Ranged {
  return isScalar(node) && node.value !== null && Array.isArray(node.range) &&
    (node.type === Scalar.PLAIN || node.type === Scalar.QUOTE_DOUBLE ||
      node.type === Scalar.QUOTE_SINGLE);
}

/**
 * `text` with one edit spliced in, or null when its layout is not one this splicer
 * handles (the caller then uses the Document API).
 */
function spliceEdit(text: string, path: string, edit: Step): string | null {
  const { doc } = parse(text, path);
  const map = doc.contents;
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const lines = (rendered: string) => rendered.replaceAll("\n", eol);
  const pair = isMap(map) ? findPair(map, edit.key) : undefined;
  if (isMap(map)) {
    // Only a block mapping whose keys start their lines.
    if (map.flow) return null;
    for (const item of map.items) {
      const start = (item.key as Ranged | null)?.range?.[0];
      if (start === undefined || lineStart(text, start) !== start) return null;
    }
  }
  if (pair) {
    const start = (pair.key as Ranged).range![0];
    const end = pairEnd(text, pair);
    if ("renameTo" in edit) {
      // The old name's text (quotes included) becomes the key; value and comments stay.
      return text.slice(0, start) + edit.renameTo + text.slice((pair.key as Ranged).range![1]);
    }
    if ("remove" in edit) return text.slice(0, start) + text.slice(end);
    if (typeof edit.value !== "object" && isInlineScalar(pair.value)) {
      const [from, to] = pair.value.range!;
      return text.slice(0, from) + stringify(edit.value, STRINGIFY_OPTIONS).trimEnd() +
        text.slice(to);
    }
    return text.slice(0, start) + lines(renderPair(edit.key, edit.value)) + text.slice(end);
  }
  if ("remove" in edit || "renameTo" in edit) return text;
  // A new key goes after the last one (before comments that end the file).
  const last = isMap(map) ? map.items.at(-1) : undefined;
  const at = last ? pairEnd(text, last) : text.length;
  const before = at === 0 || text[at - 1] === "\n" ? "" : eol;
  return text.slice(0, at) + before + lines(renderPair(edit.key, edit.value)) + text.slice(at);
}

/** The same edits through the Document API (comments kept, layout normalised). */
function documentEdit(text: string, path: string, edits: CondarcEdit[]): string {
  const { doc } = parse(text, path);
  if (doc.contents === null) doc.contents = doc.createNode({});
  for (const edit of edits) {
    for (const step of stepsOf(edit, topLevelKeys(doc))) {
      if ("renameTo" in step) {
        const pair = isMap(doc.contents) ? findPair(doc.contents, step.key) : undefined;
        if (pair) pair.key = doc.createNode(step.renameTo);
      } else if ("remove" in step) {
        doc.delete(step.key);
      } else {
        doc.set(step.key, doc.createNode(step.value));
      }
    }
  }
  return doc.toString(STRINGIFY_OPTIONS);
}

/** The top-level keys of `doc`. */
function topLevelKeys(doc: Document): Set<string> {
  const map = doc.contents;
  if (!isMap(map)) return new Set();
  return new Set(
    map.items.flatMap((pair) => (isScalar(pair.key) ? [String(pair.key.value)] : [])),
  );
}

/** Whether `text` parses to exactly `expected`. */
function parsesTo(text: string, path: string, expected: Record<string, unknown>): boolean {
  try {
    return sameValue(parse(text, path).settings, expected);
  } catch {
    return false;
  }
}

/**
 * The text of `condarc` after `edits`; the same text when they change nothing. Untouched
 * lines stay byte for byte when the file is a block mapping (the usual `.condarc`).
 */
export function applyCondarcEdits(condarc: Condarc, edits: CondarcEdit[]): string {
  const expected = editedSettings(condarc.settings, edits);
  if (sameValue(condarc.settings, expected)) return condarc.text;
  let text: string | null = condarc.text;
  spliced: for (const edit of edits) {
    for (const step of stepsOf(edit, topLevelKeys(parse(text, condarc.path).doc))) {
      text = spliceEdit(text, condarc.path, step);
      if (text === null) break spliced;
    }
  }
  if (text !== null && parsesTo(text, condarc.path, expected)) return text;
  const rewritten = documentEdit(condarc.text, condarc.path, edits);
  if (!parsesTo(rewritten, condarc.path, expected)) {
    throw new CondarcError(
      `${condarc.path}: cannot edit this file without changing other settings`,
    );
  }
  return rewritten;
}

/** The keys of a `.condarc` that carry conda's `#!final` marker. */
export interface FinalMarks {
  /** Top-level keys: `channels: #!final`, `ssl_verify: false #!final`. */
  keys: Set<string>;
  /** Entries of top-level maps: `proxy_servers:` / `  https: http://p #!final`. */
  entries: Map<string, Set<string>>;
}

/**
 * Whether a comment is conda's `final` flag: `ParameterFlag.from_string` strips `!` and
 * `#` from both ends of the comment and compares the rest with `final`.
 */
function isFinalComment(comment: string): boolean {
  return comment.trim().replace(/^[!#]+|[!#]+$/g, "") === "final";
}

/**
 * The comment that ruamel.yaml attaches to a key (the one conda reads flags from): on
 * the line where the key's value ends when the value starts on the key's line, else
 * right after `key:`.
 */
function keyComment(text: string, pair: Pair<unknown, unknown>): string | null {
  const keyEnd = (pair.key as Ranged).range?.[1];
  if (keyEnd === undefined) return null;
  const keyLineEnd = text.indexOf("\n", keyEnd);
  const value = (pair.value as Ranged | null)?.range;
  const inline = value && (keyLineEnd === -1 || value[0] < keyLineEnd);
  const from = inline ? value[1] : keyEnd;
  const lineEnd = text.indexOf("\n", from);
  const rest = text.slice(from, lineEnd === -1 ? text.length : lineEnd);
  const match = /^[ \t]*:?[ \t]*(#.*)$/.exec(inline ? rest : rest.replace(/^[ \t]*/, ""));
  return match ? match[1]!.replace(/\r$/, "") : null;
}

/** The `#!final` markers of `condarc`, for conda's merge rules. */
export function finalMarks(condarc: Condarc): FinalMarks {
  const marks: FinalMarks = { keys: new Set(), entries: new Map() };
  const map = parse(condarc.text, condarc.path).doc.contents;
  if (!isMap(map)) return marks;
  for (const pair of map.items) {
    if (!isScalar(pair.key)) continue;
    const key = String(pair.key.value);
    const comment = keyComment(condarc.text, pair);
    if (comment !== null && isFinalComment(comment)) marks.keys.add(key);
    if (!isMap(pair.value)) continue;
    const entries = new Set<string>();
    for (const entry of pair.value.items) {
      const entryComment = isScalar(entry.key) ? keyComment(condarc.text, entry) : null;
      if (entryComment !== null && isFinalComment(entryComment)) {
        entries.add(String((entry.key as Scalar).value));
      }
    }
    if (entries.size > 0) marks.entries.set(key, entries);
  }
  return marks;
}
