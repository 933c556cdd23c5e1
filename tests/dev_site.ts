/**
 * Helpers of the login end-to-end tests: the environment that points `anaconda` at a
 * dev server (scripts/dev-server.ts), the stand-in browser, and reading the file keyring.
 * @module
 */
import type { DevServer } from "../scripts/dev-server.ts";
import { decodeTokenInfo, encodeTokenInfo, type TokenInfo } from "../src/token/token_info.ts";

const FIXTURES = new URL("./fixtures/", import.meta.url).pathname;

/** `$BROWSER` that runs tests/fixtures/browser.ts. */
export const TEST_BROWSER = `${Deno.execPath()} run --quiet --allow-all ${FIXTURES}browser.ts`;

/** Environment for a CLI run against `server`: its domain, its CA, no real browser. */
export function siteEnv(server: DevServer, extra: Record<string, string> = {}) {
  return {
    ANACONDA_AUTH_DOMAIN: server.domain,
    ANACONDA_AUTH_SSL_VERIFY: server.caPath ?? "true",
    // A local redirect server on a free port, for the browser flow.
    ANACONDA_AUTH_REDIRECT_URI: "http://127.0.0.1:0/auth/oidc",
    BROWSER: "true",
    TEST_BROWSER_CA: server.caPath ?? "",
    ...extra,
  };
}

/** The file keyring's record for `domain` in `home`, or null. */
export async function storedToken(home: string, domain: string): Promise<TokenInfo | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(`${home}/.anaconda/keyring`);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
  const value = (JSON.parse(text) as Record<string, Record<string, string>>)["Anaconda Cloud"]
    ?.[domain];
  return value === undefined ? null : decodeTokenInfo(value, domain);
}

/** Writes a file keyring the way the Python tool does, with one record. */
export async function writeKeyring(home: string, info: TokenInfo): Promise<void> {
  await Deno.mkdir(`${home}/.anaconda`, { recursive: true });
  await Deno.writeTextFile(
    `${home}/.anaconda/keyring`,
    JSON.stringify({ "Anaconda Cloud": { [info.domain]: encodeTokenInfo(info) } }),
  );
}

/** The requests the server got, as `METHOD path` strings. */
export function requestLines(server: DevServer): string[] {
  return server.requests.map((request) => `${request.method} ${request.path}`);
}

/** The JSON lines the stand-in browser logged. */
export async function browserLog(path: string): Promise<
  { url: string; status: number; location: string | null }[]
> {
  try {
    return (await Deno.readTextFile(path)).trim().split("\n").filter(Boolean).map((line) =>
      JSON.parse(line)
    );
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
}
