/**
 * The hot commands (run often, by people and scripts, and expected to answer at once)
 * and the home folder they are measured and trained in: a file keyring that holds a
 * valid API key and a repo token, in the Python tool's layout. `deno task bench` times
 * them; `deno task bundle` runs them once to learn which chunks they load (those are
 * compiled with the module, see scripts/eager_compile.ts).
 * @module
 */

/** The command lines of the hot commands (without the program name). */
export const HOT_COMMANDS: readonly string[][] = [
  ["--version"],
  ["--help"],
  ["auth", "api-key"],
  ["auth", "status"],
  ["sites", "list"],
  ["token", "list"],
];

function base64url(text: string): string {
  return btoa(text).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/**
 * A new temporary home folder whose file keyring holds an API key that expires in a
 * year and a repo token (the caller removes it).
 */
export async function makeLoggedInHome(prefix = "anaconda-hot-"): Promise<string> {
  const home = await Deno.makeTempDir({ prefix });
  await Deno.mkdir(`${home}/.anaconda`, { mode: 0o700 });
  const exp = Math.floor(Date.now() / 1000) + 365 * 24 * 3600;
  const apiKey = [
    base64url(JSON.stringify({ alg: "none", typ: "JWT" })),
    base64url(JSON.stringify({ sub: "bench", exp })),
    base64url("signature"),
  ].join(".");
  const record = {
    domain: "anaconda.com",
    api_key: apiKey,
    repo_tokens: [{ token: "bench-repo-token", org_name: "bench-org" }],
    version: 2,
  };
  const keyring = { "Anaconda Cloud": { "anaconda.com": btoa(JSON.stringify(record)) } };
  await Deno.writeTextFile(`${home}/.anaconda/keyring`, JSON.stringify(keyring), { mode: 0o600 });
  return home;
}
