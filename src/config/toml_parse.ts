/**
 * Parsing config.toml (smol-toml), in a module of its own so that commands load the
 * parser only when there is a file to parse.
 * @module
 */
import { parse as parseToml, TomlError } from "smol-toml";
import { TomlSyntaxError } from "../errors.ts";

/** Parses config.toml text; a syntax error becomes `<path>:<line>:<col>: <message>`. */
export function parseConfigToml(text: string, path: string): Record<string, unknown> {
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof TomlError) {
      const message = err.message.split("\n")[0]?.replace(/^Invalid TOML document: /, "") ?? "";
      throw new TomlSyntaxError(`${path}:${err.line}:${err.column}: ${message}`);
    }
    throw err;
  }
}
