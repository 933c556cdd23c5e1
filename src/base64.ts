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
  const padded = unpadded + "=".repeat((4 - (unpadded.length % 4)) % 4);
  try {
    return Uint8Array.from(atob(padded), (char) => char.charCodeAt(0));
  } catch {
    return null;
  }
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
