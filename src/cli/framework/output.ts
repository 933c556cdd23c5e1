/**
 * Rendering helpers: data to stdout, human text to stderr, JSON for scripts.
 * @module
 */
import type { Notice, Output } from "../../context.ts";
import { escapeControl } from "../../text.ts";

/** Writes `value` as JSON with 2-space indentation and a final newline. */
export function writeJson(out: Output, value: unknown): void {
  out.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Orders object keys recursively, like Python's `json.dumps(sort_keys=True)`. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, inner]) => [key, sortKeys(inner)]);
    return Object.fromEntries(entries);
  }
  return value;
}

/** The mark for "yes" in tables (the Python tool's), on a terminal and in a pipe alike (D45). */
export const CHECK = "✔";

export interface TableStyle {
  /** Box borders (a terminal); else plain columns that scripts can cut. */
  borders: boolean;
  /** A bold header (a terminal without `NO_COLOR`). */
  color: boolean;
}

/** How tables look on `out`: borders and colour only on a terminal, colour unless NO_COLOR. */
export function tableStyle(
  out: Output,
  env: { get(name: string): string | undefined },
): TableStyle {
  return { borders: out.isTerminal, color: out.isTerminal && !env.get("NO_COLOR") };
}

/**
 * Text of one column per character: printable ASCII, Latin-1 and the Latin extensions
 * (but the soft hyphen), box drawing and the check mark. A plain character class: V8
 * builds the Unicode property classes below from ICU tables when it creates them, about
 * 0.5 ms at the start of every command, so those are made only for other text.
 */
const ONE_COLUMN = /^[\x20-\x7e\u00a0-\u00ac\u00ae-\u02ff\u2500-\u257f\u2714]*$/;

/** The Unicode classes of `displayWidth`, made on first use (see ONE_COLUMN). */
interface WidthClasses {
  /** Two columns in a terminal: East Asian wide and fullwidth characters, emoji shown as emoji. */
  wide: RegExp;
  /** What takes no column: combining marks, format characters (ZWJ...), variation selectors. */
  zeroWidth: RegExp;
  /** What can join characters into one grapheme: marks, joiners, selectors, surrogate pairs. */
  clusters: RegExp;
}

let widthClasses: WidthClasses | undefined;

function makeWidthClasses(): WidthClasses {
  return {
    wide:
      /[\u1100-\u115f\u231a\u231b\u2329\u232a\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff\ufe10-\ufe19\ufe30-\ufe6f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1f64f}\u{1f900}-\u{1f9ff}\u{20000}-\u{2fffd}\u{30000}-\u{3fffd}]|\p{Emoji_Presentation}|\ufe0f/u,
    zeroWidth: /^[\p{M}\p{Cf}\ufe00-\ufe0f]+$/u,
    clusters: /[\p{M}\p{Cf}\ufe00-\ufe0f\u{10000}-\u{10ffff}]/u,
  };
}

let graphemes: Intl.Segmenter | undefined;

/**
 * How many terminal columns `text` takes: a wide (CJK) character or an emoji counts 2,
 * a combining mark 0, a grapheme cluster (a flag, a family emoji) as its widest part.
 */
export function displayWidth(text: string): number {
  // The common case (ASCII, and the ✔ of tables): one column per character.
  if (ONE_COLUMN.test(text)) return text.length;
  const { wide, zeroWidth, clusters } = widthClasses ??= makeWidthClasses();
  // Without combining marks, joiners or characters beyond the BMP, each character is one
  // grapheme: no segmenter (ICU's costs about 15 ms the first time).
  if (!clusters.test(text)) {
    let width = 0;
    for (const char of text) width += char < "\u1100" ? 1 : wide.test(char) ? 2 : 1;
    return width;
  }
  graphemes ??= new Intl.Segmenter(undefined, { granularity: "grapheme" });
  let width = 0;
  for (const { segment } of graphemes.segment(text)) {
    width += zeroWidth.test(segment) ? 0 : wide.test(segment) ? 2 : 1;
  }
  return width;
}

/**
 * A table with a header row, columns padded to the widest cell (in terminal columns).
 * Written with loops rather than a helper called for each cell: V8 queues a function that
 * runs a few times for its background compiler, which costs the commands that print tables
 * about a millisecond at start-up (README, "Performance").
 */
export function renderTable(
  headers: string[],
  rows: string[][],
  style: TableStyle = { borders: false, color: false },
): string {
  // Cells may hold foreign text (site names): never let it steer the terminal.
  const lines = [headers, ...rows.map((row) => row.map(escapeControl))];
  // Usually every cell is one column per character (checked at once): widths are lengths.
  const oneColumn = ONE_COLUMN.test(lines.flat().join(""));
  const cellWidths: number[][] = [];
  const widths = headers.map(() => 0);
  for (const cells of lines) {
    const lineWidths: number[] = [];
    for (let column = 0; column < cells.length; column++) {
      const cell = cells[column]!;
      const width = oneColumn ? cell.length : displayWidth(cell);
      lineWidths.push(width);
      if (column < widths.length && width > widths[column]!) widths[column] = width;
    }
    cellWidths.push(lineWidths);
  }
  // Each line's cells padded to their column's width.
  const padded: string[][] = [];
  for (const [index, cells] of lines.entries()) {
    const line: string[] = [];
    for (let column = 0; column < cells.length; column++) {
      const room = (widths[column] ?? 0) - cellWidths[index]![column]!;
      line.push(cells[column] + " ".repeat(Math.max(0, room)));
    }
    padded.push(line);
  }
  const [header = [], ...body] = padded;
  const bold = (text: string) => (style.color ? `\x1b[1m${text}\x1b[0m` : text);
  if (!style.borders) {
    const rule = widths.map((width) => "-".repeat(width)).join("  ");
    return [
      bold(header.join("  ").trimEnd()),
      rule,
      ...body.map((cells) => cells.join("  ").trimEnd()),
    ]
      .join("\n") + "\n";
  }
  const rule = (left: string, middle: string, right: string) =>
    `${left}${widths.map((width) => "─".repeat(width + 2)).join(middle)}${right}`;
  return [
    rule("┌", "┬", "┐"),
    `│ ${header.map(bold).join(" │ ")} │`,
    rule("├", "┼", "┤"),
    ...body.map((cells) => `│ ${cells.join(" │ ")} │`),
    rule("└", "┴", "┘"),
  ].join("\n") + "\n";
}

const NOTICE_PREFIX: Record<Notice["level"], string> = {
  debug: "",
  info: "",
  action: "",
  warning: "Warning: ",
  deprecation: "DeprecationWarning: ",
};

/** A notice of the core as the CLI prints it on stderr: its prefix, its text, a newline. */
export function noticeText(notice: Notice): string {
  return `${NOTICE_PREFIX[notice.level]}${notice.message}\n`;
}
