/**
 * Start-up benchmark of the hot commands: runs each one N times (default 20) as a
 * user would (`deno run` with the CLI's permissions) in a temporary HOME that holds a
 * valid API key in the file keyring, and prints the median, min and max wall time.
 *
 *   deno task bench [runs]
 * @module
 */
import { childEnv } from "./child_env.ts";
import { RUN_PERMISSIONS } from "./permissions.ts";

const COMMANDS = [["--version"], ["auth", "api-key"], ["auth", "status"], ["sites", "list"]];

function base64url(text: string): string {
  return btoa(text).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** A HOME with one site and a stored, unexpired API key in the Python keyring layout. */
async function prepareHome(): Promise<string> {
  const home = await Deno.makeTempDir({ prefix: "anaconda-bench-" });
  await Deno.mkdir(`${home}/.anaconda`, { mode: 0o700 });
  const exp = Math.floor(Date.now() / 1000) + 365 * 24 * 3600;
  const apiKey = [
    base64url(JSON.stringify({ alg: "none", typ: "JWT" })),
    base64url(JSON.stringify({ sub: "bench", exp })),
    base64url("signature"),
  ].join(".");
  const record = { domain: "anaconda.com", api_key: apiKey, version: 2 };
  const keyring = { "Anaconda Cloud": { "anaconda.com": btoa(JSON.stringify(record)) } };
  await Deno.writeTextFile(`${home}/.anaconda/keyring`, JSON.stringify(keyring), { mode: 0o600 });
  return home;
}

async function timeRun(args: string[], home: string): Promise<number> {
  const command = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...RUN_PERMISSIONS, "main.ts", ...args],
    env: childEnv(home),
    clearEnv: true,
    stdout: "null",
    stderr: "piped",
  });
  const start = performance.now();
  const { code, stderr } = await command.output();
  const elapsed = performance.now() - start;
  if (code !== 0) {
    throw new Error(
      `anaconda ${args.join(" ")} exited ${code}: ${new TextDecoder().decode(stderr)}`,
    );
  }
  return elapsed;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

if (import.meta.main) {
  const runs = Number(Deno.args[0] ?? 20);
  const home = await prepareHome();
  try {
    console.log(`command                 median     min     max   (${runs} runs, ms)`);
    for (const args of COMMANDS) {
      await timeRun(args, home); // warm the module cache
      const times: number[] = [];
      for (let i = 0; i < runs; i++) times.push(await timeRun(args, home));
      const name = `anaconda ${args.join(" ")}`.padEnd(22);
      const cells = [median(times), Math.min(...times), Math.max(...times)].map((value) =>
        value.toFixed(1).padStart(7)
      );
      console.log(`${name} ${cells.join(" ")}`);
    }
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}
