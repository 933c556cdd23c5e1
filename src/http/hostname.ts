/**
 * The `X-Client-Hostname` header (docs/behaviour.md, "HTTP client", Headers): the machine's
 * hostname without a trailing `.local`, hashed with BLAKE2b (16-byte digest, personalisation
 * `hostname` zero-padded to 16 bytes, empty salt, no key) and encoded base64url without
 * padding.
 * @module
 */
import { blake2b } from "@noble/hashes/blake2.js";
import { encodeBase64Url } from "../base64.ts";

const encoder = new TextEncoder();

/** `hostname` zero-padded to BLAKE2b's 16-byte personalisation. */
const PERSONALIZATION = (() => {
  const bytes = new Uint8Array(16);
  bytes.set(encoder.encode("hostname"));
  return bytes;
})();

/** The hostname as Python's `gethostname()` gives it, with a trailing `.local` dropped. */
export function clientHostname(hostname: string): string {
  return hostname.endsWith(".local") ? hostname.slice(0, -".local".length) : hostname;
}

/** The BLAKE2b digest of a hostname: `my-laptop` -> `PgvljETpLz5xA9C2XpbYfQ`. */
export function hashHostname(hostname: string): string {
  const digest = blake2b(encoder.encode(hostname), {
    dkLen: 16,
    personalization: PERSONALIZATION,
  });
  return encodeBase64Url(digest);
}

/** The value of `X-Client-Hostname`: hashed unless `hash` is false. */
export function clientHostnameHeader(hostname: string, hash: boolean): string {
  const name = clientHostname(hostname);
  return hash ? hashHostname(name) : name;
}
