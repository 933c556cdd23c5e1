/**
 * Secrets in config.toml text hidden for display: every string under an `api_key` or `keyring`
 * key of a table (`[plugin.auth]`, `[sites.<name>]`, ...) keeps only its last 4 characters
 * (D41). Used for the diff of `sites add/modify/remove`; the file itself keeps the real values.
 * @module
 */
import { parse as parseToml } from "smol-toml";
import { redactSecret } from "../redact.ts";
import { formatValue, scanToml } from "./toml_edit.ts";
import { isTable } from "./toml_value.ts";

const SECRET_KEYS = new Set(["api_key", "keyring"]);

/** A field key sits below a table (`sites.<name>.api_key`, `plugin.auth.api_key`). */
function isSecretPath(path: readonly string[]): boolean {
  return path.slice(2).some((key) => SECRET_KEYS.has(key));
}

/** `value` with its secret strings redacted, or undefined when it holds none. */
function hideSecrets(value: unknown, path: string[]): unknown {
  if (typeof value === "string") return isSecretPath(path) ? redactSecret(value) : undefined;
  let changed = false;
  const hide = (inner: unknown, innerPath: string[]) => {
    const hidden = hideSecrets(inner, innerPath);
    if (hidden === undefined) return inner;
    changed = true;
    return hidden;
  };
  let result: unknown;
  if (Array.isArray(value)) {
    result = value.map((inner) => hide(inner, path));
  } else if (isTable(value)) {
    result = Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, hide(inner, [...path, key])]),
    );
  }
  return changed ? result : undefined;
}

const STRING = /"(?:[^"\\\n]|\\.)*"|'[^'\n]*'/g;

/**
 * The lines of `text` (`\n` line endings, no final empty line) with secret values
 * redacted; a value that spans lines leaves empty lines, so line numbers stay.
 */
export function redactedLines(text: string): string[] {
  let shown = "";
  try {
    let cursor = 0;
    for (const statement of scanToml(text)) {
      if (statement.kind !== "entry") continue;
      const raw = text.slice(statement.valueStart, statement.valueEnd);
      const value = (parseToml(`v = ${raw}`) as { v: unknown }).v;
      const hidden = hideSecrets(value, statement.path);
      if (hidden === undefined) continue;
      const newlines = raw.split("\n").length - 1;
      shown += text.slice(cursor, statement.valueStart) + formatValue(hidden) +
        "\n".repeat(newlines);
      cursor = statement.valueEnd;
    }
    shown += text.slice(cursor);
  } catch {
    // Not a layout the scanner knows: hide every string rather than show a secret.
    shown = text.replace(STRING, (literal) => formatValue(redactSecret(literal.slice(1, -1))));
  }
  const lines = shown.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}
