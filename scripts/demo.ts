/**
 * `deno task demo`: a complete session against the stand-in Anaconda service
 * (scripts/stand_in/), in a temporary HOME, without a browser and without an
 * account: `anaconda auth login` (device flow; the demo approves the code through the
 * stand-in service's control, as a user would in the browser), `anaconda auth whoami`,
 * `anaconda auth api-key`, `anaconda token install` (a repo token, conda's token file and
 * `.condarc`, against the stand-in's conda repository), `anaconda token list`,
 * `anaconda auth logout`.
 * @module
 */
import { startDevServer } from "./stand_in/server.ts";
import { childEnv } from "./child_env.ts";
import { RUN_PERMISSIONS } from "./permissions.ts";
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));
const encoder = new TextEncoder();
const useColor = Deno.stdout.isTerminal() && !Deno.env.get("NO_COLOR");
const dim = (text: string) => (useColor ? `\x1b[2m${text}\x1b[0m` : text);
const bold = (text: string) => (useColor ? `\x1b[1m${text}\x1b[0m` : text);

function say(text: string): void {
  Deno.stdout.writeSync(encoder.encode(`${text}\n`));
}

/** Runs `anaconda <args>` with the terminal's stdout/stderr; returns the exit code. */
async function anaconda(args: string[], env: Record<string, string>): Promise<number> {
  say(`\n${bold(`$ anaconda ${args.join(" ")}`)}`);
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...RUN_PERMISSIONS, MAIN, ...args],
    env,
    clearEnv: true,
    stdin: "null",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  return (await child.status).code;
}

const home = await Deno.makeTempDir({ prefix: "anaconda-demo-" });
// A 1 s polling interval keeps the demo short (real services ask for 5 s).
const server = await startDevServer({ interval: 1 });
try {
  // A clean environment: nothing from the developer's ANACONDA_* settings leaks in.
  const env = childEnv(home, {
    ANACONDA_AUTH_DOMAIN: server.domain,
    ANACONDA_AUTH_SSL_VERIFY: server.caPath ?? "true",
    // The stand-in's conda repository stands in for https://repo.anaconda.cloud/repo/.
    CONDA_TOKEN_REPO_URL: server.repo.url,
    // No browser: the "opener" does nothing and the demo approves the code itself.
    BROWSER: "true",
  });
  say(dim(`Stand-in Anaconda service at ${server.url} (test CA ${server.caPath})`));
  say(dim(`Temporary HOME ${home}`));
  say(dim(
    `Environment: ANACONDA_AUTH_DOMAIN=${server.domain} ANACONDA_AUTH_SSL_VERIFY=<CA file> ` +
      `CONDA_TOKEN_REPO_URL=${server.repo.url}`,
  ));

  const login = anaconda(["auth", "login"], env);
  // If the login ends before it shows a code, say so instead of waiting for one.
  const loginEndedEarly = login.then((code) => {
    throw new Error(`anaconda auth login exited ${code} before showing a code`);
  });
  const userCode = await Promise.race([server.waitForUserCode(), loginEndedEarly]);
  await server.waitForRequest("POST /api/auth/oauth2/token");
  const approvedAt = performance.now();
  server.approve(userCode);
  say(dim(`\n[demo] approved ${userCode} through the dev server (as the user would in a browser)`));
  let storedAt: number | undefined;
  const watch = (async () => {
    while (storedAt === undefined) {
      try {
        await Deno.stat(`${home}/.anaconda/keyring`);
        storedAt = performance.now();
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
  })();
  if (await login !== 0) throw new Error("login failed");
  await watch;
  say(dim(
    `[demo] approval -> API key stored: ${Math.round((storedAt ?? 0) - approvedAt)} ms ` +
      "(mostly the wait for the next poll: the stand-in asks for one every second)",
  ));

  const session = [
    ["auth", "whoami"],
    ["auth", "api-key"],
    ["token", "install", "--yes"],
    ["token", "list"],
    ["auth", "logout"],
  ];
  for (const args of session) {
    if (await anaconda(args, env) !== 0) throw new Error(`anaconda ${args.join(" ")} failed`);
  }
  say(dim("\n[demo] after logout, whoami needs a login again:"));
  await anaconda(["auth", "whoami"], env);
  say(dim(`\n[demo] what token install wrote for conda (${home}/.condarc):`));
  say(await Deno.readTextFile(`${home}/.condarc`));
} catch (err) {
  console.error(`demo failed: ${err instanceof Error ? err.message : err}`);
  Deno.exitCode = 1;
} finally {
  await server.close();
  await Deno.remove(home, { recursive: true });
}
