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
import { ConfigError, errorMessage } from "../errors.ts";
import { FileTooLargeError, readTextBoundedSync } from "../files.ts";

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
 * The text of the `.env` file at `path`, or null when there is none, or it cannot be
 * read: then `warn` gets the reason, for a warning that names the file. A file over
 * `MAX_DOTENV_BYTES` is a `ConfigError`.
 */
export function readDotenvFile(
  path: string,
  warn: (reason: string) => void = () => {},
): string | null {
  try {
    return readTextBoundedSync(path, MAX_DOTENV_BYTES);
  } catch (err) {
    if (err instanceof FileTooLargeError) throw tooLarge(path);
    warn(errorMessage(err));
    return null;
  }
}
