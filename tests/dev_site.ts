/**
 * Helpers of the login end-to-end tests: the environment that points `anaconda` at a
 * stand-in service (scripts/stand_in/), the stand-in browser, and reading the file keyring.
 * @module
 */
import type { DevServer } from "../scripts/stand_in/server.ts";
import { decodeTokenInfo, encodeTokenInfo, type TokenInfo } from "../src/token/token_info.ts";
import { fileURLToPath } from "node:url";

const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));

/** `$BROWSER` that runs tests/fixtures/browser.ts. */
export const TEST_BROWSER = `${Deno.execPath()} run --quiet --allow-all ${FIXTURES}browser.ts`;

/** `$BROWSER` that opens nothing and succeeds (`true`, which Windows lacks). */
export const NO_BROWSER = `${Deno.execPath()} eval 0`;

/** Environment for a CLI run against `server`: its domain, its CA, no real browser. */
export function siteEnv(server: DevServer, extra: Record<string, string> = {}) {
  return {
    ANACONDA_AUTH_DOMAIN: server.domain,
    ANACONDA_AUTH_SSL_VERIFY: server.caPath ?? "true",
    // A local redirect server on a free port, for the browser flow.
    ANACONDA_AUTH_REDIRECT_URI: "http://127.0.0.1:0/auth/oidc",
    BROWSER: NO_BROWSER,
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

/** One line of the stand-in browser's log (tests/fixtures/browser.ts). */
export interface BrowserVisit {
  url: string;
  status: number;
  location: string | null;
}

/**
 * The pages the stand-in browser visited. The CLI does not wait for the browser it
 * starts, so with `launched` this waits (up to `timeoutMs`) for the browser's last
 * log line: only then are its visits complete and its writes into HOME over.
 */
export async function browserLog(
  path: string,
  options: { launched?: boolean; timeoutMs?: number } = {},
): Promise<BrowserVisit[]> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    let lines: Record<string, unknown>[] = [];
    try {
      lines = (await Deno.readTextFile(path)).split("\n").filter(Boolean).map((line) =>
        JSON.parse(line)
      );
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
    const done = lines.some((line) => line.done === true);
    if (done || !options.launched) {
      return lines.filter((line) => typeof line.url === "string") as unknown as BrowserVisit[];
    }
    if (Date.now() > deadline) {
      throw new Error(`The stand-in browser did not finish: ${JSON.stringify(lines)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
