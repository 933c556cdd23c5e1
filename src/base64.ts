/**
 * base64 in one place: standard (padded) and URL-safe (unpadded) encoding of bytes, a
 * lenient decoder for values written by other tools, and HTTP Basic credentials.
 * Light: the keyring record (a hot path) uses it.
 * @module
 */
import { binaryString } from "./text.ts";

/** Standard base64 with `=` padding. */
export function encodeBase64(bytes: Uint8Array): string {
  return btoa(binaryString(bytes));
}

/** base64url without `=` padding (JWTs, PKCE, `X-Client-Hostname`). */
export function encodeBase64Url(bytes: Uint8Array): string {
  return encodeBase64(bytes).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/**
 * The bytes of standard or URL-safe base64, padded or not, whitespace ignored; null when
 * `text` is not base64.
 */
export function decodeBase64(text: string): Uint8Array | null {
  let clean = text.replace(/\s+/g, "");
  if (/[-_]/.test(clean) && !/[+/]/.test(clean)) {
    clean = clean.replaceAll("-", "+").replaceAll("_", "/");
  }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) return null;
  const unpadded = clean.replace(/=+$/, "");
  if (unpadded.length % 4 === 1) return null;
  return decodeCheckedBase64(unpadded + "=".repeat((4 - (unpadded.length % 4)) % 4));
}

/**
 * Decodes standard base64 whose characters and padding are already checked, with V8's
 * own decoder (bits left over in the last character are ignored, as `atob` does). Not
 * `atob`, which loads Deno's base64 module (about a millisecond on `auth api-key`), nor a
 * loop in JavaScript, which V8 would queue for its background compiler (see the README,
 * "Performance").
 */
function decodeCheckedBase64(padded: string): Uint8Array {
  return Uint8Array.fromBase64(padded);
}

/**
 * An HTTP `Basic` credential as Python's `requests` encodes it: `user:password` as
 * Latin-1 when every character fits, else UTF-8 (RFC 7617's charset), so any password
 * can be sent.
 */
export function basicAuthorization(username: string, password: string): string {
  const text = `${username}:${password}`;
  const latin1 = Array.from(text).every((char) => char.charCodeAt(0) <= 0xff);
  const bytes = latin1
    ? Uint8Array.from(text, (char) => char.charCodeAt(0))
    : new TextEncoder().encode(text);
  return `Basic ${encodeBase64(bytes)}`;
}
