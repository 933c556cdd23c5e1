/**
 * What `sites add/modify/remove --dry-run` (and the confirm prompt) show: a unified diff of
 * config.toml with Python difflib's headers, secrets redacted (D41).
 * @module
 */
import { structuredPatch } from "diff";
import { redactedLines } from "./redact_toml.ts";

const pad = (value: number, width = 2) => String(value).padStart(width, "0");

/**
 * The date of a diff header: ISO 8601 in local time with its UTC offset
 * (`2026-07-12T21:19:05+02:00`). The Python tool's `%m-%d-%y %H:%M` reads differently
 * in different countries.
 */
export function diffDate(ms: number): string {
  const date = new Date(ms);
  const offset = -date.getTimezoneOffset();
  const zone = `${offset < 0 ? "-" : "+"}${pad(Math.floor(Math.abs(offset) / 60))}:${
    pad(Math.abs(offset) % 60)
  }`;
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}${zone}`;
}

function diffLines(text: string): string {
  const unix = text.replaceAll("\r\n", "\n");
  return unix === "" || unix.endsWith("\n") ? unix : `${unix}\n`;
}

/** A unified-diff range like Python's difflib: `3`, `3,4`, or `2,0` for an empty range. */
function range(start: number, length: number): string {
  if (length === 1) return String(start);
  return length === 0 ? `${start - 1},0` : `${start},${length}`;
}

export interface DiffHeader {
  path: string;
  /** Modification time of the current file (`null` when it does not exist). */
  oldDate: string | null;
  newDate: string;
}

/**
 * The unified diff (3 lines of context) between the current and the new text, with
 * Python difflib's headers `--- <path>\t<date>` and `+++ <path>\t<date>`; "" when the
 * texts are the same. Secrets (`api_key`, `keyring`) are shown redacted.
 */
export function unifiedDiff(oldText: string, newText: string, header: DiffHeader): string {
  const patch = structuredPatch(
    header.path,
    header.path,
    diffLines(oldText),
    diffLines(newText),
    undefined,
    undefined,
    { context: 3 },
  );
  if (patch.hunks.length === 0) return "";
  const lines = [
    `--- ${header.path}${header.oldDate ? `\t${header.oldDate}` : ""}`,
    `+++ ${header.path}\t${header.newDate}`,
  ];
  const oldShown = redactedLines(diffLines(oldText));
  const newShown = redactedLines(diffLines(newText));
  for (const hunk of patch.hunks) {
    lines.push(
      `@@ -${range(hunk.oldStart, hunk.oldLines)} +${range(hunk.newStart, hunk.newLines)} @@`,
    );
    let oldLine = hunk.oldStart - 1;
    let newLine = hunk.newStart - 1;
    for (const line of hunk.lines) {
      const mark = line[0];
      if (mark === "-") lines.push(`-${oldShown[oldLine++]}`);
      else if (mark === "+") lines.push(`+${newShown[newLine++]}`);
      else if (mark === " ") {
        lines.push(` ${oldShown[oldLine++]}`);
        newLine++;
      }
    }
  }
  return `${lines.join("\n")}\n`;
}

/** The modification time of `path` for the diff header, or null when it does not exist. */
export async function modifiedDate(path: string): Promise<string | null> {
  try {
    const info = await Deno.stat(path);
    return info.mtime ? diffDate(info.mtime.getTime()) : null;
  } catch {
    return null;
  }
}
