/**
 * Helpers of the token-storage tests: JWTs, the Python keyring, the Secret Service.
 * @module
 */
import { defaultSiteConfig, type SiteConfig } from "../src/config/schema.ts";
import { type CliResult, runProgram } from "./support.ts";

function base64url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** An unsigned JWT with these claims (the signature is never checked). */
export function makeJwt(claims: Record<string, unknown>): string {
  return `${base64url(JSON.stringify({ alg: "RS256", typ: "JWT" }))}.${
    base64url(JSON.stringify(claims))
  }.c2lnbmF0dXJl`;
}

/** A JWT expiring `seconds` after now (negative: already expired). */
export function jwtExpiringIn(seconds: number, extra: Record<string, unknown> = {}): string {
  return makeJwt({ exp: Math.floor(Date.now() / 1000) + seconds, sub: "user", ...extra });
}

/** Standard base64 of compact JSON, the keyring value format. */
export function keyringValue(record: Record<string, unknown>): string {
  const bytes = new TextEncoder().encode(JSON.stringify(record));
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** The settings of a site with its file keyring under `home`. */
export function siteConfig(home: string, overrides: Partial<SiteConfig> = {}): SiteConfig {
  return { site: "anaconda.com", ...defaultSiteConfig(home), ...overrides };
}

/** A domain no other test uses (tests share one Secret Service collection). */
export function uniqueDomain(label: string): string {
  return `${label}-${crypto.randomUUID().slice(0, 8)}.test`;
}

/** The Python of the interop tests: ANACONDA_TEST_PYTHON (CI's Windows job), or Debian's. */
export const PYTHON = Deno.env.get("ANACONDA_TEST_PYTHON") ?? "/usr/bin/python3";

/** Runs a Python snippet; `env` is added to a minimal environment. */
export function runPython(
  code: string,
  options: { env?: Record<string, string>; stdin?: string } = {},
): Promise<CliResult> {
  // Windows programs need SystemRoot; Python finds the home folder in USERPROFILE there.
  const windows: Record<string, string> = Deno.build.os === "windows"
    ? {
      SystemRoot: Deno.env.get("SystemRoot") ?? "C:\\Windows",
      ...(options.env?.HOME === undefined ? {} : { USERPROFILE: options.env.HOME }),
    }
    : {};
  return runProgram(PYTHON, ["-c", code], {
    env: {
      PATH: Deno.build.os === "windows" ? Deno.env.get("PATH") ?? "" : "/usr/bin:/bin",
      ...windows,
      ...options.env,
    },
    ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
  });
}
