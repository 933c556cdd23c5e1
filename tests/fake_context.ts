/**
 * A `Context` for unit tests: a given environment, HOME and stdin, captured output,
 * a manual clock, and fetch/spawn/browser that fail unless the test hands them in.
 * @module
 */
import { type Context, RunCache, streamInput } from "../src/context.ts";
import { noticeText } from "../src/cli/framework/output.ts";

export interface FakeContextOptions {
  env?: Record<string, string>;
  home?: string;
  cwd?: string;
  stdin?: string;
  stdinIsTerminal?: boolean;
  stdoutIsTerminal?: boolean;
  hostname?: string;
  os?: Context["os"];
  fetch?: Context["fetch"];
  spawn?: Context["spawn"];
  openBrowser?: Context["openBrowser"];
  /** Start of the manual clock, in ms since the epoch. */
  now?: number;
}

export interface FakeContext extends Context {
  /** Everything written to stdout / stderr so far. */
  out(): string;
  err(): string;
  /** Total time the fake clock slept. */
  slept(): number;
}

export function fakeContext(options: FakeContextOptions = {}): FakeContext {
  let stdout = "";
  let stderr = "";
  let now = options.now ?? Date.UTC(2026, 0, 1);
  let slept = 0;
  const env = { ...options.env };
  const home = options.home ?? "/nonexistent-home";
  const stdinText = options.stdin ?? "";
  return {
    env: { get: (name) => env[name], toObject: () => ({ ...env }) },
    cwd: () => options.cwd ?? home,
    homeDir: () => home,
    hostname: () => options.hostname ?? "test-host",
    os: options.os ?? "linux",
    stdin: streamInput(
      new Blob([stdinText]).stream(),
      options.stdinIsTerminal ?? false,
    ),
    stdout: {
      write: (text) => void (stdout += text),
      isTerminal: options.stdoutIsTerminal ?? false,
    },
    stderr: { write: (text) => void (stderr += text), isTerminal: false },
    // Notices show on stderr as the CLI prints them.
    notify: (notice) => void (stderr += noticeText(notice)),
    clock: {
      now: () => now,
      sleep: (ms) => {
        now += ms;
        slept += ms;
        return Promise.resolve();
      },
    },
    fetch: options.fetch ?? (() => Promise.reject(new Error("fetch is not expected in this test"))),
    spawn: options.spawn ??
      (() => Promise.reject(new Error("spawn is not expected in this test"))),
    openBrowser: options.openBrowser ?? (() => Promise.resolve(false)),
    runCache: new RunCache(),
    out: () => stdout,
    err: () => stderr,
    slept: () => slept,
  };
}
