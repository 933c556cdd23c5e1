/**
 * Format-preserving TOML editing by source ranges: a scanner that splits a (valid)
 * TOML document into line statements with their offsets, value formatting, and a
 * text-edit applier. Nothing here re-serialises a document: callers replace, delete
 * or insert ranges, so every byte they do not touch stays as it was.
 * @module
 */
import { isTable } from "./toml_value.ts";

/** One line-level statement; `start`/`end` are offsets, `end` includes the line ending. */
export type Statement =
  | { kind: "blank"; start: number; end: number }
  | { kind: "comment"; start: number; end: number }
  | HeaderStatement
  | EntryStatement;

/** `[a.b]` or `[[a.b]]`. */
export interface HeaderStatement {
  kind: "header";
  start: number;
  end: number;
  path: string[];
  array: boolean;
}

/** `key = value`; `path` is the table path plus the (dotted) key. */
export interface EntryStatement {
  kind: "entry";
  start: number;
  end: number;
  keys: string[];
  path: string[];
  valueStart: number;
  valueEnd: number;
}

/** A table header with the statements up to the next header (or the root part). */
export interface Section {
  /** Null for the root part before the first header. */
  header: HeaderStatement | null;
  /** Entries of this section in order. */
  entries: EntryStatement[];
  /** Start of the header line (0 for the root). */
  start: number;
  /** Where the next section's header, or the comments right above it, begin. */
  end: number;
  /** After the last entry or comment of the body (the header line when there is none). */
  bodyEnd: number;
  /** After the last entry (the header line when there is none). */
  lastEntryEnd: number;
}

/** A replacement of `[start, end)`; an insertion when both are equal. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
  /** Put a blank line between the preceding text and this insertion. */
  blankBefore?: boolean;
  /** Put a blank line between this insertion and the text that follows. */
  blankAfter?: boolean;
}

class ScanError extends Error {
  override name = "ScanError";
}

const BARE_KEY = /^[A-Za-z0-9_-]+$/;

function isSpace(char: string | undefined): boolean {
  return char === " " || char === "\t";
}

/** Reads the document statement by statement. The text must already be valid TOML. */
export function scanToml(text: string): Statement[] {
  const statements: Statement[] = [];
  let pos = 0;
  let table: string[] = [];

  const fail = (message: string): never => {
    const line = text.slice(0, pos).split("\n").length;
    throw new ScanError(`line ${line}: ${message}`);
  };
  const skipSpaces = () => {
    while (isSpace(text[pos])) pos++;
  };
  /** After a header or value: spaces, an optional comment, then a line ending or the end. */
  const finishLine = () => {
    skipSpaces();
    if (text[pos] === "#") {
      while (pos < text.length && text[pos] !== "\n") pos++;
    }
    if (text[pos] === "\r" && text[pos + 1] === "\n") pos += 2;
    else if (text[pos] === "\n") pos++;
    else if (pos < text.length) fail("expected the end of the line");
  };
  const lineEnd = () => {
    while (pos < text.length && text[pos] !== "\n") pos++;
    if (pos < text.length) pos++;
  };

  const readBasicString = (): string => {
    // at the opening quote
    pos++;
    const startContent = pos;
    while (pos < text.length && text[pos] !== '"') {
      if (text[pos] === "\\") pos++;
      if (text[pos] === "\n") fail("newline in a string");
      pos++;
    }
    if (pos >= text.length) fail("unterminated string");
    const raw = text.slice(startContent, pos);
    pos++;
    return decodeBasicEscapes(raw);
  };
  const readLiteralString = (): string => {
    pos++;
    const startContent = pos;
    while (pos < text.length && text[pos] !== "'") {
      if (text[pos] === "\n") fail("newline in a string");
      pos++;
    }
    if (pos >= text.length) fail("unterminated string");
    const raw = text.slice(startContent, pos);
    pos++;
    return raw;
  };
  const readKey = (): string[] => {
    const keys: string[] = [];
    for (;;) {
      skipSpaces();
      const char = text[pos];
      if (char === '"') keys.push(readBasicString());
      else if (char === "'") keys.push(readLiteralString());
      else {
        const begin = pos;
        while (pos < text.length && /[A-Za-z0-9_-]/.test(text[pos] ?? "")) pos++;
        if (pos === begin) fail("expected a key");
        keys.push(text.slice(begin, pos));
      }
      skipSpaces();
      if (text[pos] !== ".") return keys;
      pos++;
    }
  };
  const skipMultiline = (quote: string, escapes: boolean) => {
    pos += 3;
    for (;;) {
      if (pos >= text.length) fail("unterminated multi-line string");
      const char = text[pos];
      if (escapes && char === "\\") {
        pos += 2;
        continue;
      }
      if (char === quote) {
        let run = 0;
        while (text[pos + run] === quote) run++;
        if (run >= 3) {
          pos += Math.min(run, 5);
          return;
        }
        pos += run;
        continue;
      }
      pos++;
    }
  };
  /** Skips spaces, newlines and comments inside arrays and inline tables. */
  const skipInside = () => {
    for (;;) {
      const char = text[pos];
      if (isSpace(char) || char === "\n" || char === "\r") pos++;
      else if (char === "#") {
        while (pos < text.length && text[pos] !== "\n") pos++;
      } else return;
    }
  };
  const skipValue = (): void => {
    const char = text[pos];
    if (char === '"') {
      if (text.startsWith('"""', pos)) skipMultiline('"', true);
      else readBasicString();
      return;
    }
    if (char === "'") {
      if (text.startsWith("'''", pos)) skipMultiline("'", false);
      else readLiteralString();
      return;
    }
    if (char === "[") {
      pos++;
      for (;;) {
        skipInside();
        if (pos >= text.length) fail("unterminated array");
        if (text[pos] === "]") {
          pos++;
          return;
        }
        if (text[pos] === ",") {
          pos++;
          continue;
        }
        skipValue();
      }
    }
    if (char === "{") {
      pos++;
      for (;;) {
        skipInside();
        if (pos >= text.length) fail("unterminated inline table");
        if (text[pos] === "}") {
          pos++;
          return;
        }
        if (text[pos] === ",") {
          pos++;
          continue;
        }
        readKey();
        if (text[pos] !== "=") fail("expected =");
        pos++;
        skipSpaces();
        skipValue();
      }
    }
    const begin = pos;
    const atoms = () => {
      while (pos < text.length && !/[\s,\]}#]/.test(text[pos] ?? "")) pos++;
    };
    atoms();
    if (pos === begin) fail("expected a value");
    // A date and a time may be separated by one space: 1979-05-27 07:32:00Z
    if (
      /^\d{4}-\d{2}-\d{2}$/.test(text.slice(begin, pos)) && text[pos] === " " &&
      /^\d{2}:/.test(text.slice(pos + 1, pos + 4))
    ) {
      pos++;
      atoms();
    }
  };

  while (pos < text.length) {
    const start = pos;
    skipSpaces();
    const char = text[pos];
    if (pos >= text.length || char === "\n" || (char === "\r" && text[pos + 1] === "\n")) {
      lineEnd();
      statements.push({ kind: "blank", start, end: pos });
    } else if (char === "#") {
      lineEnd();
      statements.push({ kind: "comment", start, end: pos });
    } else if (char === "[") {
      const array = text[pos + 1] === "[";
      pos += array ? 2 : 1;
      const path = readKey();
      if (text[pos] !== "]" || (array && text[pos + 1] !== "]")) fail("expected ]");
      pos += array ? 2 : 1;
      finishLine();
      table = path;
      statements.push({ kind: "header", start, end: pos, path, array });
    } else {
      const keys = readKey();
      if (text[pos] !== "=") fail("expected =");
      pos++;
      skipSpaces();
      const valueStart = pos;
      skipValue();
      const valueEnd = pos;
      finishLine();
      statements.push({
        kind: "entry",
        start,
        end: pos,
        keys,
        path: [...table, ...keys],
        valueStart,
        valueEnd,
      });
    }
  }
  return statements;
}

function decodeBasicEscapes(raw: string): string {
  return raw.replace(
    /\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|x([0-9A-Fa-f]{2})|(.))/g,
    (_all, u4: string, u8: string, x2: string, char: string) => {
      const hex = u4 ?? u8 ?? x2;
      if (hex) return String.fromCodePoint(parseInt(hex, 16));
      const simple: Record<string, string> = {
        b: "\b",
        t: "\t",
        n: "\n",
        f: "\f",
        r: "\r",
        e: "\x1b",
        '"': '"',
        "\\": "\\",
      };
      return simple[char] ?? char;
    },
  );
}

/** Groups statements into the root part and one section per table header. */
export function sectionsOf(text: string, statements: Statement[]): Section[] {
  const headerIndexes = statements.flatMap((statement, index) =>
    statement.kind === "header" ? [index] : []
  );
  /** Start of the comment lines directly above a header (no blank line between). */
  const attachedStart = (index: number): number => {
    let first = index;
    while (first > 0 && statements[first - 1]?.kind === "comment") first--;
    return statements[first]?.start ?? text.length;
  };
  const sections: Section[] = [];
  const bounds = [-1, ...headerIndexes];
  for (let at = 0; at < bounds.length; at++) {
    const headerIndex = bounds[at] ?? -1;
    const nextHeader = bounds[at + 1];
    const header = headerIndex >= 0 ? statements[headerIndex] as HeaderStatement : null;
    const end = nextHeader === undefined ? text.length : attachedStart(nextHeader);
    const start = header?.start ?? 0;
    const body = statements.slice(
      headerIndex + 1,
      nextHeader === undefined ? statements.length : nextHeader,
    ).filter((statement) => statement.start < end);
    const entries = body.filter((statement): statement is EntryStatement =>
      statement.kind === "entry"
    );
    const headerEnd = header?.end ?? 0;
    const lastContent = body.filter((statement) => statement.kind !== "blank").at(-1);
    sections.push({
      header,
      entries,
      start,
      end,
      bodyEnd: lastContent?.end ?? headerEnd,
      lastEntryEnd: entries.at(-1)?.end ?? headerEnd,
    });
  }
  return sections;
}

/** True when `path` begins with `prefix`. */
export function startsWithPath(path: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((key, index) => path[index] === key);
}

export function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && startsWithPath(a, b);
}

/** A TOML basic string. */
export function formatString(value: string): string {
  let out = '"';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '"') out += '\\"';
    else if (char === "\\") out += "\\\\";
    else if (char === "\b") out += "\\b";
    else if (char === "\t") out += "\\t";
    else if (char === "\n") out += "\\n";
    else if (char === "\f") out += "\\f";
    else if (char === "\r") out += "\\r";
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += char;
  }
  return `${out}"`;
}

/** A key, quoted only when it has to be: `short-name`, `"anaconda.com"`. */
export function formatKey(key: string): string {
  return BARE_KEY.test(key) ? key : formatString(key);
}

/** A dotted key or table path: `sites."anaconda.com".extra_headers`. */
export function formatPath(path: readonly string[]): string {
  return path.map(formatKey).join(".");
}

/** A value written inline: strings, numbers, booleans, dates, arrays and inline tables. */
export function formatValue(value: unknown): string {
  if (typeof value === "string") return formatString(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "nan";
    if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
    return String(value);
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return `[${value.map(formatValue).join(", ")}]`;
  if (isTable(value)) {
    const pairs = Object.entries(value).map(([key, inner]) =>
      `${formatKey(key)} = ${formatValue(inner)}`
    );
    return pairs.length === 0 ? "{}" : `{ ${pairs.join(", ")} }`;
  }
  throw new TypeError(`Cannot write ${String(value)} as a TOML value`);
}

/**
 * `[path]` with its plain values, then a sub-table per table value (recursively), each
 * table separated by a blank line. Text uses `\n`; it ends with a newline.
 */
export function formatTable(path: readonly string[], table: Record<string, unknown>): string {
  const lines = [`[${formatPath(path)}]`];
  const subTables: string[] = [];
  for (const [key, value] of Object.entries(table)) {
    if (isTable(value)) subTables.push(formatTable([...path, key], value));
    else lines.push(`${formatKey(key)} = ${formatValue(value)}`);
  }
  return [`${lines.join("\n")}\n`, ...subTables].join("\n");
}

/** `\r\n` when the document's first line ends that way, else `\n`. */
export function lineEnding(text: string): string {
  const newline = text.indexOf("\n");
  return newline > 0 && text[newline - 1] === "\r" ? "\r\n" : "\n";
}

const ENDS_WITH_BLANK_LINE = /(^|\n)[ \t]*\r?\n$/;
const STARTS_WITH_BLANK_LINE = /^[ \t]*\r?\n/;

/**
 * Applies non-overlapping edits. Inserted text (written with `\n`) gets the document's
 * line ending, starts on a line of its own, and gets the blank lines it asks for.
 */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const eol = lineEnding(text);
  const ordered = edits
    .map((edit, seq) => ({ edit, seq }))
    .sort((a, b) =>
      a.edit.start - b.edit.start ||
      Number(a.edit.end > a.edit.start) - Number(b.edit.end > b.edit.start) ||
      a.seq - b.seq
    )
    .map(({ edit }) => edit);
  let out = "";
  let cursor = 0;
  let pendingBlank = false;
  const emit = (chunk: string) => {
    if (chunk === "") return;
    if (pendingBlank && out !== "" && !STARTS_WITH_BLANK_LINE.test(chunk)) {
      if (!out.endsWith("\n")) out += eol;
      if (!ENDS_WITH_BLANK_LINE.test(out)) out += eol;
    }
    pendingBlank = false;
    out += chunk;
  };
  for (const edit of ordered) {
    if (edit.start < cursor) throw new Error("Overlapping edits");
    emit(text.slice(cursor, edit.start));
    if (edit.text !== "") {
      const inserted = eol === "\n" ? edit.text : edit.text.replaceAll("\n", eol);
      const lineLevel = edit.start === edit.end || edit.blankBefore || edit.blankAfter;
      if (lineLevel && out !== "" && !out.endsWith("\n")) out += eol;
      const blankBefore = edit.blankBefore || pendingBlank;
      if (blankBefore && out !== "" && !ENDS_WITH_BLANK_LINE.test(out)) out += eol;
      pendingBlank = false;
      out += inserted;
      if (edit.blankAfter) pendingBlank = true;
    }
    cursor = edit.end;
  }
  emit(text.slice(cursor));
  return out;
}
