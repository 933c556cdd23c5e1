/**
 * Helpers of the anaconda.org end-to-end tests: anaconda-client's config file pointing
 * at the stand-in's anaconda.org API, the environment, and conda's token file.
 * @module
 */
import { quotePlus } from "../src/conda/token_files.ts";
import { siteEnv } from "./dev_site.ts";
import type { DevServer } from "./stand_in/server.ts";

/** anaconda-client's user config: `url` of the stand-in's API and its test CA. */
export async function writeOrgConfig(home: string, server: DevServer, extra = ""): Promise<void> {
  const folder = `${home}/.continuum/anaconda-client`;
  await Deno.mkdir(folder, { recursive: true });
  await Deno.writeTextFile(
    `${folder}/config.yaml`,
    `url: ${server.orgApi.url}\nssl_verify: ${server.caPath ?? "true"}\n${extra}`,
  );
}

/** The environment of a run: the stand-in as the anaconda.com site, a fixed user name. */
export function orgEnv(server: DevServer, extra: Record<string, string> = {}) {
  return siteEnv(server, { USER: "jane", LOGNAME: "jane", ...extra });
}

/** conda's token file of `url` in `home` (Linux layout). */
export function orgTokenPath(home: string, url: string): string {
  return `${home}/.config/binstar/${quotePlus(url)}.token`;
}

/** The stored anaconda.org token, or null. */
export async function readOrgToken(home: string, url: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(orgTokenPath(home, url));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
}

/** The live tokens the stand-in's anaconda.org API has issued. */
export function liveOrgTokens(server: DevServer): string[] {
  return server.orgApi.tokens.filter((entry) => !entry.deleted).map((entry) => entry.token);
}
