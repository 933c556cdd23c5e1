/**
 * JSON answers: parse a body and name the real problem when it is not what the caller
 * relies on (empty, HTML, invalid JSON, not an object), always with the URL.
 * @module
 */
import { UnexpectedResponseError } from "./errors.ts";
import { errorMessage } from "../errors.ts";

/** What `parseJsonBody` needs to know about the response besides its text. */
export interface JsonSource {
  /** The URL to name in errors (secrets already hidden). */
  url: string;
  status: number;
  contentType: string | null;
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** `application/json`, `application/problem+json`... */
function isJsonMediaType(type: string): boolean {
  return type === "application/json" || type.endsWith("+json");
}

/** V8's parse error without its quote of the body (which may hold a secret). */
function parseErrorText(err: unknown): string {
  const message = errorMessage(err);
  return message.replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, "");
}

/** `text` parsed as JSON; an empty body, a non-JSON page or invalid JSON is an error. */
export function parseJsonBody(text: string, source: JsonSource): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const type = source.contentType?.split(";")[0]?.trim().toLowerCase() || null;
    const detail = text.trim() === ""
      ? `is empty, not JSON (HTTP ${source.status})`
      : type !== null && !isJsonMediaType(type)
      ? `is ${type}, not JSON (HTTP ${source.status})`
      : `is not valid JSON: ${parseErrorText(err)}`;
    throw new UnexpectedResponseError(source.url, detail);
  }
}

/** `value` if it is a JSON object, else an error naming `url`. */
export function requireJsonObject(value: unknown, url: string): Record<string, unknown> {
  if (!isJsonObject(value)) throw new UnexpectedResponseError(url, "is not a JSON object");
  return value;
}
