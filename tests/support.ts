/**
 * Shared helpers of the end-to-end tests: run `main.ts` as a subprocess in a
 * temporary HOME with the same permission flags users get.
 * @module
 */

import { RUN_PERMISSIONS } from "../scripts/permissions.ts";
import { childEnv } from "../scripts/child_env.ts";
import { fileURLToPath } from "node:url";

export { RUN_PERMISSIONS };

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const MAIN = `${ROOT}main.ts`;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** HOME of the run (required: tests never touch the real one). */
  home: string;
  /** Working directory; defaults to `home`. */
  cwd?: string;
  /** Extra environment; merged over a clean one (PATH, HOME, no ANACONDA_*). */
  env?: Record<string, string>;
  /** Text on stdin; stdin is closed (end of input) when omitted. */
  stdin?: string;
  /** Kill the process after this many ms (default 60 s). */
  timeoutMs?: number;
}

/** A clean environment: PATH and the given HOME, nothing from the developer's shell. */
export function cleanEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return childEnv(home, { NO_COLOR: "1", ...extra });
}

/** How `runProgram` runs a program: its whole environment, folder, stdin and time limit. */
export interface ProgramOptions {
  env: Record<string, string>;
  cwd?: string;
  /** Text on stdin; stdin is closed (end of input) right away when omitted. */
  stdin?: string;
  /** Kill the process after this many ms (default 60 s). */
  timeoutMs?: number;
}

/** Runs a program with exactly `options.env` and collects its exit code and output. */
export async function runProgram(
  program: string,
  args: string[],
  options: ProgramOptions,
): Promise<CliResult> {
  const child = new Deno.Command(program, {
    args,
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    env: options.env,
    clearEnv: true,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  if (options.stdin !== undefined) await writer.write(new TextEncoder().encode(options.stdin));
  await writer.close();
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
  try {
    const output = await child.output();
    const decoder = new TextDecoder();
    return {
      code: output.code,
      stdout: decoder.decode(output.stdout),
      stderr: decoder.decode(output.stderr),
    };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs `anaconda <args>` and collects its exit code, stdout and stderr. */
export function runCli(args: string[], options: CliOptions): Promise<CliResult> {
  return runProgram(Deno.execPath(), ["run", "--quiet", ...RUN_PERMISSIONS, MAIN, ...args], {
    cwd: options.cwd ?? options.home,
    env: cleanEnv(options.home, options.env),
    ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
}

/** A fresh temporary HOME, removed when the returned disposable is disposed. */
export async function tempHome(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix: "anaconda-test-" });
  return {
    path,
    async [Symbol.asyncDispose]() {
      // Windows keeps a folder while a process runs in it (a browser the CLI started, in
      // its own session, may still be exiting): try again for a few seconds there.
      const deadline = Date.now() + 10_000;
      for (;;) {
        try {
          return await Deno.remove(path, { recursive: true });
        } catch (err) {
          if (Deno.build.os !== "windows" || Date.now() > deadline) throw err;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    },
  };
}

/** Runs `body` with a fresh temporary HOME, removed afterwards. */
export async function withHome(body: (home: string) => Promise<void>): Promise<void> {
  await using home = await tempHome();
  await body(home.path);
}

/** Pseudo-terminals come from util-linux `script`, which Windows does not have. */
export const NO_TERMINAL: boolean = Deno.build.os === "windows";

/** Whether util-linux `script` (for pseudo-terminals) is installed. */
export function hasScript(): boolean {
  try {
    return new Deno.Command("script", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

/** `text` quoted for a POSIX shell. */
function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * Runs `anaconda <args>` with stdin and stdout on a pseudo-terminal (util-linux
 * `script`), stderr on a pipe. Terminal output has `\r\n` line ends, turned back into `\n`.
 */
export async function runCliInTerminal(args: string[], options: CliOptions): Promise<CliResult> {
  const errPath = await Deno.makeTempFile({ prefix: "anaconda-stderr-" });
  try {
    const command = [Deno.execPath(), "run", "--quiet", ...RUN_PERMISSIONS, MAIN, ...args]
      .map(shellQuote).join(" ");
    const result = await runProgram(
      "script",
      ["-qefc", `${command} 2>${shellQuote(errPath)}`, "/dev/null"],
      {
        cwd: options.cwd ?? options.home,
        env: cleanEnv(options.home, { SHELL: "/bin/sh", ...options.env }),
        ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      },
    );
    return {
      code: result.code,
      stdout: result.stdout.replaceAll("\r\n", "\n"),
      stderr: await Deno.readTextFile(errPath),
    };
  } finally {
    await Deno.remove(errPath);
  }
}
