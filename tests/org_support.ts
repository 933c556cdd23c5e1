/**
 * Helpers of the anaconda.org end-to-end tests: a temporary HOME whose anaconda-client
 * config points at the stand-in's anaconda.org API, runs of `anaconda <command> --at
 * anaconda.org` in it, and conda's token file.
 * @module
 */
import { siteEnv, writeKeyring } from "./dev_site.ts";
import {
  type DevServer,
  type DevServerOptions,
  startDevServer,
} from "../scripts/stand_in/server.ts";
import { type CliResult, runCli, tempHome } from "./support.ts";
import { condaTokenFile } from "./paths.ts";

/** anaconda-client's user config: `url` of the stand-in's API and its test CA. */
export async function writeOrgConfig(home: string, server: DevServer): Promise<void> {
  const folder = `${home}/.continuum/anaconda-client`;
  await Deno.mkdir(folder, { recursive: true });
  await Deno.writeTextFile(
    `${folder}/config.yaml`,
    `url: ${server.orgApi.url}\nssl_verify: ${server.caPath ?? "true"}\n`,
  );
}

/** The environment of a run: the stand-in as the anaconda.com site, a fixed user name. */
export function orgEnv(server: DevServer, extra: Record<string, string> = {}) {
  return siteEnv(server, { USER: "jane", LOGNAME: "jane", ...extra });
}

/** Stores an API key of the stand-in's domain (a fresh valid one by default) in HOME's keyring. */
export async function storeApiKey(home: string, server: DevServer, apiKey?: string) {
  await writeKeyring(home, {
    domain: server.domain,
    api_key: apiKey ?? await server.issueApiKey(),
    username: null,
    repo_tokens: [],
    version: 2,
  });
}

/** conda's token file of `url` for a CLI run in `home` (the OS's folder). */
export function orgTokenPath(home: string, url: string): string {
  return condaTokenFile(home, url);
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

/** A temporary HOME set up for anaconda.org, and the stand-in it talks to. */
export interface OrgSetup extends AsyncDisposable {
  home: string;
  server: DevServer;
  /** The API URL (`<server url>/org-api`). */
  url: string;
  /** Runs `anaconda <args> --at anaconda.org` with `orgEnv` (plus `env`). */
  run(
    args: string[],
    options?: { env?: Record<string, string>; stdin?: string },
  ): Promise<CliResult>;
  /** The stored anaconda.org token, or null. */
  token(): Promise<string | null>;
}

/** Starts a stand-in with `options` and a HOME whose anaconda-client config points at it. */
export async function orgSetup(options: DevServerOptions = {}): Promise<OrgSetup> {
  const home = await tempHome();
  const server = await startDevServer(options);
  await writeOrgConfig(home.path, server);
  const url = server.orgApi.url;
  return {
    home: home.path,
    server,
    url,
    run: (args, runOptions = {}) =>
      runCli([...args, "--at", "anaconda.org"], {
        home: home.path,
        env: orgEnv(server, runOptions.env),
        ...(runOptions.stdin === undefined ? {} : { stdin: runOptions.stdin }),
      }),
    token: () => readOrgToken(home.path, url),
    async [Symbol.asyncDispose]() {
      await server[Symbol.asyncDispose]();
      await home[Symbol.asyncDispose]();
    },
  };
}
