/**
 * Edits of a `.condarc` that keep everything they do not touch: comments, order, quoting,
 * indentation and unrelated keys (A16). Only top-level keys are set or removed. An edit
 * splices the text of that one key (found through the `yaml` package's source ranges);
 * every result is parsed again and checked against the intended settings, and a layout
 * the splicer does not handle (a flow mapping, an indented root) goes through `yaml`'s
 * Document API instead, which keeps comments but may re-indent.
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
import { errorMessage } from "../errors.ts";

/** A `.condarc` is a few kilobytes; a bigger file is refused rather than loaded. */
export const MAX_CONDARC_BYTES = 1024 * 1024;

/** How many alias expansions `toJS` allows before it calls the document an attack. */
export const MAX_ALIAS_COUNT = 1000;

/** A value this project writes into a `.condarc`. */
export type CondarcValue = string | boolean | string[];

/** Set a top-level key (in place when it exists, else at the end), or remove it. */
export type CondarcEdit =
  | { key: string; value: CondarcValue }
  | { key: string; remove: true };

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

/** `path:line:col: message` of the first error, like the TOML errors (A10). */
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
    if ("remove" in edit) delete result[edit.key];
    else result[edit.key] = edit.value;
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
function spliceEdit(text: string, path: string, edit: CondarcEdit): string | null {
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
    if ("remove" in edit) return text.slice(0, start) + text.slice(end);
    if (typeof edit.value !== "object" && isInlineScalar(pair.value)) {
      const [from, to] = pair.value.range!;
      return text.slice(0, from) + stringify(edit.value, STRINGIFY_OPTIONS).trimEnd() +
        text.slice(to);
    }
    return text.slice(0, start) + lines(renderPair(edit.key, edit.value)) + text.slice(end);
  }
  if ("remove" in edit) return text;
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
    if ("remove" in edit) doc.delete(edit.key);
    else doc.set(edit.key, doc.createNode(edit.value));
  }
  return doc.toString(STRINGIFY_OPTIONS);
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
  for (const edit of edits) {
    text = spliceEdit(text, condarc.path, edit);
    if (text === null) break;
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
