/**
 * base64 in one place: standard (padded) and URL-safe (unpadded) encoding of bytes, a
 * lenient decoder for values written by other tools, and HTTP Basic credentials.
 * No dependencies: the keyring record (a hot path) uses it.
 * @module
 */

/** Bytes as a "binary string" (one char per byte), in slices that stay within argument limits. */
function binaryString(bytes: Uint8Array): string {
  let binary = "";
  for (let at = 0; at < bytes.length; at += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  }
  return binary;
}

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

const BASE64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
/** Each base64 character's value by character code (`=` is 0); made on first use. */
let base64Values: Uint8Array | undefined;

/**
 * Decodes standard base64 whose characters and padding are already checked. Not `atob`:
 * it loads Deno's base64 module, which costs `auth api-key` about a millisecond.
 */
function decodeCheckedBase64(padded: string): Uint8Array {
  if (base64Values === undefined) {
    base64Values = new Uint8Array(128);
    for (let i = 0; i < 64; i++) base64Values[BASE64_ALPHABET.charCodeAt(i)] = i;
  }
  const values = base64Values;
  const padding = padded.endsWith("==") ? 2 : padded.endsWith("=") ? 1 : 0;
  const bytes = new Uint8Array((padded.length / 4) * 3 - padding);
  let at = 0;
  for (let i = 0; i < padded.length; i += 4) {
    const group = (values[padded.charCodeAt(i)]! << 18) |
      (values[padded.charCodeAt(i + 1)]! << 12) |
      (values[padded.charCodeAt(i + 2)]! << 6) | values[padded.charCodeAt(i + 3)]!;
    // Padding has no room in `bytes`: writes past the end of a typed array are dropped.
    bytes[at++] = group >> 16;
    bytes[at++] = (group >> 8) & 0xff;
    bytes[at++] = group & 0xff;
  }
  return bytes;
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
