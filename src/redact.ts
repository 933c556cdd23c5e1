/**
 * Secrets in logs and messages: all but the last 4 characters hidden (D41).
 * @module
 */

/** `abcdefghijklmnop` -> `********mnop`; at most 8 stars, so lengths do not show. */
export function redactSecret(secret: string): string {
  if (secret.length <= 4) return "*".repeat(secret.length);
  return `${"*".repeat(Math.min(secret.length - 4, 8))}${secret.slice(-4)}`;
}
