/**
 * Foreign text (site names, values from files and the environment) made safe to
 * print: control characters shown as escapes, so that a name cannot clear the
 * terminal, move the cursor or split a one-line message.
 * @module
 */

/**
 * C0 and C1 controls and DEL, plus the Unicode line/paragraph separators and the
 * bidirectional overrides, which also change how the surrounding text is shown.
 */
// deno-lint-ignore no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** True when `text` holds a character that `escapeControl` would escape. */
export function hasControlChars(text: string): boolean {
  CONTROL.lastIndex = 0;
  return CONTROL.test(text);
}

/** `a\u001b[2Jb` -> `a\x1b[2Jb`; `\u202e` -> `\u202e` (as text); other text unchanged. */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, (char) => {
    const code = char.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, "0")}`
      : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

/** Bytes as a "binary string" (one character per byte). */
export function binaryString(bytes: Uint8Array): string {
  let binary = "";
  // In slices: a call takes a limited number of arguments.
  for (let at = 0; at < bytes.length; at += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  }
  return binary;
}

/** A character of a binary string that is not ASCII. */
const NOT_ASCII = /[\u0080-\u00ff]/;

/**
 * UTF-8 `bytes` as text; throws a `TypeError` when they are not UTF-8. ASCII (what token
 * records and keys hold) is its own binary string: a `TextDecoder` costs the hot commands
 * about 0.3 ms and 1.5 MiB the first time. (Checked with a regular expression rather than a
 * loop over the bytes, which V8 would queue for its background compiler.)
 */
export function utf8Text(bytes: Uint8Array): string {
  const text = binaryString(bytes);
  return NOT_ASCII.test(text) ? new TextDecoder("utf-8", { fatal: true }).decode(bytes) : text;
}
