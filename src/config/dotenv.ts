/**
 * A `.env` reader with the `parse` rules of the npm `dotenv` package, which this
 * project used before: a CommonJS dependency makes the one-file bundle call
 * `createRequire`, which fails when the bundle runs from an `https://` URL.
 *
 * Rules: `KEY=value` or `KEY: value`, an optional `export ` prefix; values in single,
 * double or backtick quotes (which may span lines); `\n` and `\r` are expanded in double
 * quotes only; `#` starts a comment outside quotes; surrounding spaces are trimmed;
 * CRLF and CR line ends; the last of repeated keys wins.
 * @module
 */
import { ConfigError } from "../errors.ts";

/** A `.env` file above this size is refused rather than read into memory. */
export const MAX_DOTENV_BYTES = 1024 * 1024;

// dotenv's line pattern: key, then a quoted value (quotes may span lines) or the rest of
// the line up to a `#`, then an optional comment.
const LINE =
  /(?:^|^)\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)/mg;

/** The variables of a `.env` text, in file order (a repeated key keeps its last value). */
export function parseDotenv(text: string): Map<string, string> {
  // UTF-16 length never exceeds UTF-8 size, so any file within the bound passes.
  if (text.length > MAX_DOTENV_BYTES) {
    throw new ConfigError(`The .env text is too large (over ${MAX_DOTENV_BYTES} characters)`);
  }
  const variables = new Map<string, string>();
  const lines = text.replace(/\r\n?/g, "\n");
  for (const match of lines.matchAll(LINE)) {
    const key = match[1]!;
    let value = (match[2] ?? "").trim();
    const quote = value[0];
    value = value.replace(/^(['"`])([\s\S]*)\1$/mg, "$2");
    if (quote === '"') value = value.replaceAll("\\n", "\n").replaceAll("\\r", "\r");
    variables.set(key, value);
  }
  return variables;
}

function tooLarge(path: string): ConfigError {
  return new ConfigError(`"${path}" is too large for a .env file (over ${MAX_DOTENV_BYTES} bytes)`);
}

/**
 * The text of the `.env` file at `path`, or null when there is none (or it cannot be
 * read, like the Python tool). A file over `MAX_DOTENV_BYTES` is a `ConfigError`.
 */
export async function readDotenvFile(path: string): Promise<string | null> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path);
  } catch {
    return null;
  }
  try {
    const info = await file.stat();
    if (!info.isFile) return null;
    if (info.size > MAX_DOTENV_BYTES) throw tooLarge(path);
    // One byte more than the stat said, to notice a file that grew since.
    const buffer = new Uint8Array(info.size + 1);
    let length = 0;
    while (length < buffer.length) {
      const read = await file.read(buffer.subarray(length));
      if (read === null) break;
      length += read;
    }
    if (length > info.size) throw tooLarge(path);
    return new TextDecoder().decode(buffer.subarray(0, length));
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    return null;
  } finally {
    file.close();
  }
}
