/**
 * Start-up benchmark, as a user runs the CLI: each hot command as a whole process with
 * the users' permission flags, in a temporary HOME whose file keyring holds a valid API
 * key and a repo token, warm module and code caches (one unmeasured run first).
 *
 *   deno task bench [runs]       (default 30 rounds)
 *
 * Two baselines frame the figures:
 * - the floor: `deno run` of an empty module (what any Deno program costs);
 * - the limit: a 4-line module that reads `~/.anaconda/keyring`, decodes the record and
 *   prints its `api_key` (what `auth api-key` costs with nothing but the work itself).
 *
 * Runs are paired against machine load: each round runs, for every command, the floor,
 * the limit, the command from source (`main.ts`) and from the bundle, one after the
 * other; a command's ratio is the median over the rounds of its time divided by the
 * floor's (or the limit's) of the same round. Prints median and p90 wall time, both
 * ratios and each process's peak RSS (median and largest over the runs, from GNU time
 * when /usr/bin/time exists), checks the targets of issue 20, and writes the figures to
 * `bench/results.json`. The bundle is built fresh (what `deno task bundle` ships), so the
 * figures are those of the code at hand, into the temporary HOME: outside this project,
 * as where users run it (from a URL, or dist/ of an install), since Deno reads the
 * deno.json and lock file it finds beside a module (about 3 MiB and 0.05x). Also times
 * device-flow logins against the stand-in service (scripts/stand_in/), from the approval
 * to the API key stored in the keyring.
 * @module
 */
import { startDevServer } from "./stand_in/server.ts";
import { bundle } from "./bundle.ts";
import { childEnv } from "./child_env.ts";
import { makeLoggedInHome } from "./hot_commands.ts";
import { RUN_PERMISSIONS } from "./permissions.ts";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

type Variant = "source" | "bundle";

/** The most a command may cost: its median relative to the floor, its peak RSS. */
interface Target {
  ratio?: number;
  rssMiB?: number;
}

/** The commands timed, and their targets (issue 20) per variant. */
const COMMANDS: { args: string[]; targets: Partial<Record<Variant, Target>> }[] = [
  { args: ["--version"], targets: { bundle: { ratio: 1.15 } } },
  {
    args: ["auth", "api-key"],
    targets: { bundle: { ratio: 1.3, rssMiB: 34 }, source: { ratio: 1.5, rssMiB: 38 } },
  },
  { args: ["auth", "status"], targets: { bundle: { ratio: 1.4 } } },
  { args: ["sites", "list"], targets: { bundle: { ratio: 1.4 } } },
  { args: ["token", "list"], targets: { bundle: { ratio: 1.4 } } },
  { args: ["--help"], targets: { bundle: { ratio: 1.15 } } },
  { args: ["sites", "add", "--help"], targets: {} },
];

/** The limit: the least `auth api-key` can do (the file keyring's layout, no checks). */
const LIMIT_MODULE = `const path = \`\${Deno.env.get("HOME")}/.anaconda/keyring\`;
const keyring = JSON.parse(Deno.readTextFileSync(path));
const record = JSON.parse(atob(keyring["Anaconda Cloud"]["anaconda.com"]));
console.log(record.api_key);
`;

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
}

/** Runs `deno <args>` once; wall time around the whole process. */
async function runOnce(denoArgs: string[], home: string, expect = 0): Promise<Sample> {
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
  const text = new TextDecoder().decode(stderr).trim();
  if (code !== expect) throw new Error(`deno ${denoArgs.join(" ")} exited ${code}: ${text}`);
  const lastLine = text.split("\n").at(-1) ?? "";
  const rssKiB = HAS_GNU_TIME && /^\d+$/.test(lastLine) ? Number(lastLine) : null;
  return { ms, rssKiB };
}

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

const round1 = (value: number) => Math.round(value * 10) / 10;
const round2 = (value: number) => Math.round(value * 100) / 100;

/** Median and largest peak RSS in MiB (null without GNU time). */
function rss(samples: Sample[]): { median: number | null; max: number | null } {
  if (samples[0]?.rssKiB == null) return { median: null, max: null };
  const kib = samples.map((sample) => sample.rssKiB ?? 0);
  return { median: round1(percentile(kib, 0.5) / 1024), max: round1(percentile(kib, 1) / 1024) };
}

interface Baseline {
  median_ms: number;
  peak_rss_mib: number | null;
}

interface Result {
  variant: Variant;
  command: string;
  median_ms: number;
  p90_ms: number;
  /** Medians over the rounds of this command's time over the floor's (limit's) in the same round. */
  ratio_to_floor: number;
  ratio_to_limit: number;
  peak_rss_mib: number | null;
  max_peak_rss_mib: number | null;
  target: Target | null;
}

/** One command of one variant: its runs and the baselines' runs of the same rounds. */
interface Series {
  variant: Variant;
  args: string[];
  target: Target | null;
  denoArgs: string[];
  runs: Sample[];
  floor: Sample[];
  limit: Sample[];
}

async function bench(
  entries: Record<Variant, string | null>,
  home: string,
  runs: number,
): Promise<{ results: Result[]; floor: Baseline; limit: Baseline }> {
  const floorArgs = ["run", "--quiet", `${home}/empty.js`];
  const limitArgs = ["run", "--quiet", ...RUN_PERMISSIONS, `${home}/limit.js`];
  const series: Series[] = [];
  for (const { args, targets } of COMMANDS) {
    for (const variant of ["source", "bundle"] as const) {
      const entry = entries[variant];
      if (entry === null) continue;
      const denoArgs = ["run", "--quiet", ...RUN_PERMISSIONS, entry, ...args];
      const target = targets[variant] ?? null;
      series.push({ variant, args, target, denoArgs, runs: [], floor: [], limit: [] });
    }
  }
  // Unmeasured first runs: Deno writes the module and V8 code caches.
  await runOnce(floorArgs, home);
  await runOnce(limitArgs, home);
  for (const one of series) await runOnce(one.denoArgs, home);
  const allFloor: Sample[] = [];
  const allLimit: Sample[] = [];
  for (let round = 0; round < runs; round++) {
    for (const one of series) {
      one.floor.push(await runOnce(floorArgs, home));
      one.limit.push(await runOnce(limitArgs, home));
      one.runs.push(await runOnce(one.denoArgs, home));
    }
  }
  const results = series.map((one): Result => {
    allFloor.push(...one.floor);
    allLimit.push(...one.limit);
    const times = one.runs.map((sample) => sample.ms);
    const paired = (baseline: Sample[]) =>
      round2(percentile(times.map((ms, i) => ms / baseline[i]!.ms), 0.5));
    const { median, max } = rss(one.runs);
    return {
      variant: one.variant,
      command: `anaconda ${one.args.join(" ")}`,
      median_ms: round1(percentile(times, 0.5)),
      p90_ms: round1(percentile(times, 0.9)),
      ratio_to_floor: paired(one.floor),
      ratio_to_limit: paired(one.limit),
      peak_rss_mib: median,
      max_peak_rss_mib: max,
      target: one.target,
    };
  });
  const baseline = (samples: Sample[]): Baseline => ({
    median_ms: round1(percentile(samples.map((sample) => sample.ms), 0.5)),
    peak_rss_mib: rss(samples).median,
  });
  return { results, floor: baseline(allFloor), limit: baseline(allLimit) };
}

/** What a result misses of its target, as sentences ([] when it meets it). */
function misses(result: Result): string[] {
  const { target } = result;
  const found: string[] = [];
  const name = `${result.variant} ${result.command}`;
  if (target?.ratio !== undefined && result.ratio_to_floor > target.ratio) {
    found.push(`${name}: ${result.ratio_to_floor}x > ${target.ratio}x the floor`);
  }
  if (target?.rssMiB !== undefined && (result.peak_rss_mib ?? 0) > target.rssMiB) {
    found.push(`${name}: ${result.peak_rss_mib} MiB > ${target.rssMiB} MiB`);
  }
  return found;
}

/**
 * Milliseconds from the approval of a device code (the poll that gets the grant) to the
 * API key in the file keyring, for `logins` logins. The code is approved when it is
 * issued, so the client's wait between polls (at least 1 s) is not measured.
 */
async function deviceLoginTimes(logins: number): Promise<number[]> {
  const times: number[] = [];
  await using server = await startDevServer({ interval: 0, deviceApproval: "immediate" });
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
      const isGrantPoll = (request: { method: string; path: string }) =>
        request.method === "POST" && request.path === "/api/auth/oauth2/token";
      const before = server.requests.filter(isGrantPoll).length;
      await server.waitForRequest((request) =>
        isGrantPoll(request) && server.requests.filter(isGrantPoll).length > before
      );
      const approvedAt = performance.now();
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

function printRows(rows: string[][]): void {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows) {
    console.log(row.map((cell, column) => cell.padEnd(widths[column]!)).join("  ").trimEnd());
  }
}

function printTable(results: Result[], floor: Baseline, limit: Baseline, runs: number): void {
  const mib = (value: number | null) => (value === null ? "-" : `${value} MiB`);
  console.log(`${runs} paired rounds; ratios are medians of per-round ratios.`);
  printRows([
    ["baseline", "what it runs", "median ms", "peak RSS"],
    ["floor", "deno run of an empty module", floor.median_ms.toFixed(1), mib(floor.peak_rss_mib)],
    [
      "limit",
      "a 4-line module: read ~/.anaconda/keyring, decode, print api_key",
      limit.median_ms.toFixed(1),
      mib(limit.peak_rss_mib),
    ],
  ]);
  console.log("");
  const header = ["variant", "command", "median", "p90", "x floor", "x limit", "peak RSS MiB"];
  const rows = results.map((result) => {
    const target = result.target;
    const goal = [
      target?.ratio === undefined ? "" : `<= ${target.ratio}x`,
      target?.rssMiB === undefined ? "" : `<= ${target.rssMiB} MiB`,
    ].filter(Boolean).join(", ");
    return [
      result.variant,
      result.command,
      result.median_ms.toFixed(1),
      result.p90_ms.toFixed(1),
      `${result.ratio_to_floor.toFixed(2)}x`,
      `${result.ratio_to_limit.toFixed(2)}x`,
      result.peak_rss_mib === null
        ? "-"
        : `${result.peak_rss_mib} (max ${result.max_peak_rss_mib})`,
      goal === "" ? "" : `target ${goal}`,
    ];
  });
  printRows([[...header, ""], ...rows]);
}

if (import.meta.main) {
  const runs = Number(Deno.args[0] ?? 30);
  if (!Number.isInteger(runs) || runs < 1) {
    console.error("usage: deno task bench [runs]");
    Deno.exit(2);
  }
  const home = await makeLoggedInHome("anaconda-bench-");
  await Deno.writeTextFile(`${home}/empty.js`, "");
  await Deno.writeTextFile(`${home}/limit.js`, LIMIT_MODULE);
  try {
    // Beside the baselines, where no deno.json is found (see above).
    const bundlePath = `${home}/anaconda.js`;
    await bundle(bundlePath);
    const { results, floor, limit } = await bench(
      { source: `${ROOT}main.ts`, bundle: bundlePath },
      home,
      runs,
    );
    printTable(results, floor, limit, runs);
    const missed = results.flatMap(misses);
    console.log(missed.length === 0 ? "All start-up targets met." : `Missed: ${missed.join("; ")}`);
    const logins = await deviceLoginTimes(5);
    const loginMedian = Math.round(percentile(logins, 0.5));
    console.log(
      `device-flow login, approval -> API key stored: median ${loginMedian} ms (5 logins)`,
    );
    await Deno.mkdir(`${ROOT}bench`, { recursive: true });
    await Deno.writeTextFile(
      `${ROOT}bench/results.json`,
      JSON.stringify(
        {
          date: new Date().toISOString(),
          runs,
          floor,
          limit,
          results,
          device_login_ms: logins,
        },
        null,
        2,
      ) + "\n",
    );
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}
