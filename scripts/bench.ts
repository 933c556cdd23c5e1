/**
 * Start-up benchmark, as a user runs the CLI: each hot command as a whole process with
 * the users' permission flags, in a temporary HOME whose file keyring holds a valid API
 * key and a repo token, warm module cache. Every run of a command is paired with a run
 * of the floor (`deno run` of an empty module) so both see the same machine load.
 *
 *   deno task bench [runs]       (default 30 runs per command)
 *
 * Prints median and p90 wall time, the ratio of the medians to the floor's, and each
 * process's peak RSS (median and largest over the runs, from GNU time when
 * /usr/bin/time exists), for the source (`main.ts`) and
 * for the bundle (`dist/anaconda.js`, when it has been built). Writes the same figures
 * as JSON to `bench/results.json`. Also times device-flow logins against the stand-in
 * service (scripts/stand_in/), from the approval to the API key stored in the keyring.
 * @module
 */
import { startDevServer } from "./stand_in/server.ts";
import { childEnv } from "./child_env.ts";
import { RUN_PERMISSIONS } from "./permissions.ts";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

/** The commands timed, and the most they may take relative to the floor (issue 11). */
const COMMANDS: { args: string[]; limit?: number }[] = [
  { args: ["--version"] },
  { args: ["auth", "api-key"], limit: 2.5 },
  { args: ["auth", "status"] },
  { args: ["sites", "list"] },
  { args: ["token", "list"] },
  { args: ["--help"], limit: 4 },
  { args: ["sites", "add", "--help"], limit: 4 },
];

/** The most peak RSS `auth api-key` may use (issue 11). */
const RSS_LIMIT_MIB = 40;

function base64url(text: string): string {
  return btoa(text).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** A HOME with a stored, unexpired API key and a repo token, in the Python keyring layout. */
async function prepareHome(): Promise<string> {
  const home = await Deno.makeTempDir({ prefix: "anaconda-bench-" });
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

const HAS_GNU_TIME = (() => {
  try {
    return Deno.statSync("/usr/bin/time").isFile;
  } catch {
    return false;
  }
})();

interface Sample {
  ms: number;
  /** Peak RSS in KiB, when measurable. */
  rssKiB: number | null;
  code: number;
}

/** Runs `deno <args>` once; wall time around the whole process. */
async function runOnce(denoArgs: string[], home: string): Promise<Sample> {
  const [program, args] = HAS_GNU_TIME
    ? ["/usr/bin/time", ["-f", "%M", Deno.execPath(), ...denoArgs]]
    : [Deno.execPath(), denoArgs];
  const command = new Deno.Command(program, {
    args,
    cwd: home,
    env: childEnv(home),
    clearEnv: true,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  });
  const start = performance.now();
  const { code, stderr } = await command.output();
  const ms = performance.now() - start;
  const lastLine = new TextDecoder().decode(stderr).trim().split("\n").at(-1) ?? "";
  const rssKiB = HAS_GNU_TIME && /^\d+$/.test(lastLine) ? Number(lastLine) : null;
  return { ms, rssKiB, code };
}

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

interface Result {
  variant: string;
  command: string;
  median_ms: number;
  p90_ms: number;
  floor_median_ms: number;
  ratio: number;
  limit: number | null;
  /** The median over the runs of each process's peak RSS, and the largest. */
  peak_rss_mib: number | null;
  max_peak_rss_mib: number | null;
  floor_peak_rss_mib: number | null;
}

async function bench(
  variant: string,
  entry: string,
  floorArgs: string[],
  home: string,
  runs: number,
): Promise<Result[]> {
  const results: Result[] = [];
  for (const { args, limit } of COMMANDS) {
    const denoArgs = ["run", "--quiet", ...RUN_PERMISSIONS, entry, ...args];
    const warm = await runOnce(denoArgs, home);
    if (warm.code === 2) continue; // not a command of this build (yet)
    if (warm.code !== 0) throw new Error(`anaconda ${args.join(" ")} exited ${warm.code}`);
    await runOnce(floorArgs, home);
    const times: Sample[] = [];
    const floor: Sample[] = [];
    for (let i = 0; i < runs; i++) {
      floor.push(await runOnce(floorArgs, home));
      times.push(await runOnce(denoArgs, home));
    }
    const median = percentile(times.map((sample) => sample.ms), 0.5);
    const floorMedian = percentile(floor.map((sample) => sample.ms), 0.5);
    const mib = (samples: Sample[], fraction: number) =>
      samples[0]?.rssKiB == null
        ? null
        : Math.round(percentile(samples.map((sample) => sample.rssKiB ?? 0), fraction) / 102.4) /
          10;
    results.push({
      variant,
      command: `anaconda ${args.join(" ")}`,
      median_ms: Math.round(median * 10) / 10,
      p90_ms: Math.round(percentile(times.map((sample) => sample.ms), 0.9) * 10) / 10,
      floor_median_ms: Math.round(floorMedian * 10) / 10,
      ratio: Math.round((median / floorMedian) * 100) / 100,
      limit: limit ?? null,
      peak_rss_mib: mib(times, 0.5),
      max_peak_rss_mib: mib(times, 1),
      floor_peak_rss_mib: mib(floor, 0.5),
    });
  }
  return results;
}

/**
 * Milliseconds from approving a device code to the API key in the file keyring, for
 * `logins` logins (the stand-in polls every 0 s, so the poll interval is not measured).
 */
async function deviceLoginTimes(logins: number): Promise<number[]> {
  const times: number[] = [];
  await using server = await startDevServer({ interval: 0 });
  for (let i = 0; i < logins; i++) {
    const home = await Deno.makeTempDir({ prefix: "anaconda-bench-login-" });
    try {
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "--quiet", ...RUN_PERMISSIONS, `${ROOT}main.ts`, "auth", "login"],
        env: childEnv(home, {
          ANACONDA_AUTH_DOMAIN: server.domain,
          ANACONDA_AUTH_SSL_VERIFY: server.caPath ?? "true",
          BROWSER: "true",
        }),
        clearEnv: true,
        stdin: "null",
        stdout: "null",
        stderr: "null",
      }).spawn();
      const userCode = await server.waitForUserCode();
      const approvedAt = performance.now();
      server.approve(userCode);
      const keyring = `${home}/.anaconda/keyring`;
      while (!await Deno.stat(keyring).then(() => true, () => false)) {
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      times.push(performance.now() - approvedAt);
      if (!(await child.status).success) throw new Error("the benchmark login failed");
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  }
  return times;
}

function printTable(results: Result[]): void {
  const header = ["variant", "command", "median", "p90", "floor", "ratio", "peak RSS MiB"];
  const rows = results.map((result) => [
    result.variant,
    result.command,
    result.median_ms.toFixed(1),
    result.p90_ms.toFixed(1),
    result.floor_median_ms.toFixed(1),
    `${result.ratio.toFixed(2)}x${result.limit ? ` (<= ${result.limit}x)` : ""}`,
    result.peak_rss_mib === null
      ? "-"
      : `${result.peak_rss_mib} (max ${result.max_peak_rss_mib}, floor ${result.floor_peak_rss_mib})`,
  ]);
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...rows.map((row) => row[column]!.length))
  );
  for (const row of [header, ...rows]) {
    console.log(row.map((cell, column) => cell.padEnd(widths[column]!)).join("  ").trimEnd());
  }
}

if (import.meta.main) {
  const runs = Number(Deno.args[0] ?? 30);
  const home = await prepareHome();
  const emptyModule = `${home}/empty.js`;
  await Deno.writeTextFile(emptyModule, "");
  const floorArgs = ["run", "--quiet", emptyModule];
  try {
    const results = await bench("source", `${ROOT}main.ts`, floorArgs, home, runs);
    const bundle = `${ROOT}dist/anaconda.js`;
    const hasBundle = await Deno.stat(bundle).then(() => true, () => false);
    if (hasBundle) results.push(...await bench("bundle", bundle, floorArgs, home, runs));
    else console.log("(no dist/anaconda.js: run `deno task bundle` to time the bundle too)");
    printTable(results);
    const apiKey = results.filter((result) => result.command === "anaconda auth api-key");
    const misses = [
      ...results.filter((result) => result.limit !== null && result.ratio > result.limit)
        .map((result) =>
          `${result.variant} ${result.command}: ${result.ratio}x > ${result.limit}x`
        ),
      ...apiKey.filter((result) => (result.peak_rss_mib ?? 0) > RSS_LIMIT_MIB)
        .map((result) => `${result.variant} auth api-key: ${result.peak_rss_mib} MiB > 40 MiB`),
    ];
    console.log(misses.length === 0 ? "All start-up targets met." : `Missed: ${misses.join("; ")}`);
    const logins = await deviceLoginTimes(5);
    const loginMedian = Math.round(percentile(logins, 0.5));
    console.log(
      `device-flow login, approval -> API key stored: median ${loginMedian} ms (5 logins)`,
    );
    await Deno.mkdir(`${ROOT}bench`, { recursive: true });
    await Deno.writeTextFile(
      `${ROOT}bench/results.json`,
      JSON.stringify(
        { date: new Date().toISOString(), runs, results, device_login_ms: logins },
        null,
        2,
      ) + "\n",
    );
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}
