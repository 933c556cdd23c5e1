/**
 * The only door to the outside world. Commands take a `Context` instead of reading
 * `Deno.env`, `Deno.stdin` or the clock directly, so tests can hand in fakes.
 * @module
 */
import { AnacondaError, InterruptedError } from "./errors.ts";

/** Text output: stdout or stderr, with whether it is a terminal. */
export interface Output {
  /** Writes all of `text`. */
  write(text: string): void;
  /** Whether it is a terminal (then tables get borders, prompts may be asked). */
  readonly isTerminal: boolean;
  /** The width of the terminal in columns; undefined when not a terminal, or not known. */
  columns?(): number | undefined;
}

/** Standard input, read as lines (prompts) or whole (`--with-token`). */
export interface Input {
  /** The next line without its line ending, or `null` at end of input. */
  readLine(): Promise<string | null>;
  /**
   * The next line, not shown as it is typed (a password): on a terminal, echo is off
   * until Enter (Backspace and Ctrl-U edit, Ctrl-C throws an `InterruptedError`); from
   * a pipe, the next line. `null` at end of input. `ready` runs once echo is off, before
   * the read: the place to ask the question, so that nothing typed after it shows.
   */
  readSecretLine(ready?: () => void): Promise<string | null>;
  /** Everything that is left. */
  readAll(): Promise<string>;
  /** Whether it is a terminal. */
  readonly isTerminal: boolean;
}

/** The result of a finished subprocess. */
export interface SpawnResult {
  /** The exit code. */
  code: number;
  /** Everything the program printed on stdout. */
  stdout: string;
  /** Everything the program printed on stderr. */
  stderr: string;
}

/** How to run a subprocess. Secrets travel on `stdin`, never in `args`. */
export interface SpawnOptions {
  /** Text for the program's stdin (where secrets go); none: stdin is closed. */
  stdin?: string;
  /** Killed after this many milliseconds (a `SpawnTimeoutError` is thrown). */
  timeoutMs: number;
  /** The program's whole environment; default: this process's. */
  env?: Record<string, string>;
}

/** The time, and waiting (tests hand in a manual clock). */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason when it aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * How much a notice matters. `action` is something the user must do now (enter a device
 * code, open a URL); `debug` is a `--verbose` log line.
 */
export type NoticeLevel = "debug" | "info" | "warning" | "deprecation" | "action";

/** A message of the core for people: what happened, what was chosen, what to do. */
export interface Notice {
  /** How much it matters; the CLI prefixes warnings with `Warning:`. */
  readonly level: NoticeLevel;
  /** One or more lines, without a final newline. */
  readonly message: string;
}

/** Receives the core's notices; the core never writes to a stream itself. */
export type NoticeHandler = (notice: Notice) => void;

/**
 * Objects the core makes once per run (one CLI command, one library call) and shares for
 * the rest of it: the token stores, so that a fallback warning is given once. Lives on
 * the run's `Context`; nothing is kept from one run to the next.
 */
export class RunCache {
  #values = new Map<string, unknown>();

  /** The value kept under `key`, which `make` makes on first use. */
  get<T>(key: string, make: () => T): T {
    if (!this.#values.has(key)) this.#values.set(key, make());
    return this.#values.get(key) as T;
  }
}

/** Everything the tool uses of the outside world; `denoContext()` is the real one. */
export interface Context {
  /** The environment variables. */
  env: {
    /** The value of `name`, or undefined. */
    get(name: string): string | undefined;
    /** All of them. */
    toObject(): Record<string, string>;
  };
  /** The working folder (where `.env` is read). */
  cwd(): string;
  /** The user's home folder. */
  homeDir(): string;
  /** The machine's hostname ("" when unknown). */
  hostname(): string;
  /** The operating system, which picks the OS keyring and the conda token folder. */
  os: typeof Deno.build.os;
  /** Standard input: prompts' answers and `--with-token`. */
  stdin: Input;
  /** Standard output: data only. */
  stdout: Output;
  /** Standard error: messages, prompts, warnings. */
  stderr: Output;
  /**
   * Where the core's notices go. The CLI prints them all on stderr; a library user's
   * `denoContext()` shows only `action` notices (a device code to enter) unless it is
   * given another handler.
   */
  notify: NoticeHandler;
  /** The time. */
  clock: Clock;
  /** HTTP without TLS options (the client makes its own for TLS settings). */
  fetch: typeof fetch;
  /** Runs a program; throws `Deno.errors.NotFound` when it does not exist. */
  spawn(program: string, args: string[], options: SpawnOptions): Promise<SpawnResult>;
  /** Opens a URL in the user's browser; false when no way to open one worked. */
  openBrowser(url: string): Promise<boolean>;
  /**
   * Calls `handler` on Ctrl-C (SIGINT) instead of dying, until the returned function
   * is called. Absent in contexts where Ctrl-C cannot happen (tests).
   */
  onInterrupt?(handler: () => void): () => void;
  /**
   * What the core shares within this run (see `RunCache`); without it, each use makes
   * its own (a warning may then be given more than once).
   */
  runCache?: RunCache;
}

/** `context` with its notices sent to `notify` instead (to report or weigh them). */
export function withNotify(context: Context, notify: NoticeHandler): Context {
  const wrapped = Object.create(context) as Context;
  wrapped.notify = notify;
  return wrapped;
}

/** Thrown when a subprocess outlives its timeout (it has been killed). */
export class SpawnTimeoutError extends Error {
  override name = "SpawnTimeoutError";
}

const encoder = new TextEncoder();

function denoOutput(stream: typeof Deno.stdout | typeof Deno.stderr): Output {
  const isTerminal = stream.isTerminal();
  return {
    write(text: string) {
      const bytes = encoder.encode(text);
      let written = 0;
      while (written < bytes.length) written += stream.writeSync(bytes.subarray(written));
    },
    isTerminal,
    columns() {
      if (!isTerminal) return undefined;
      try {
        return Deno.consoleSize().columns || undefined;
      } catch {
        return undefined; // no size known (a pseudo-terminal without one)
      }
    },
  };
}

/** Terminal controls that a no-echo read handles itself (raw mode delivers them as bytes). */
const CTRL_C = "\x03";
const CTRL_D = "\x04";
const CTRL_U = "\x15";
const ERASE = ["\x08", "\x7f"];
/** An escape sequence (arrow keys...): ESC, then `[` or `O`, parameters and a final byte. */
// deno-lint-ignore no-control-regex -- matching the escape character is the point
const ESCAPE_SEQUENCE = /^\x1b(?:[[O][\d;]*[A-Za-z~]?)?/;

/** The most `readAll` takes (an API key or a token is far smaller). */
export const MAX_INPUT_BYTES = 1024 * 1024;
/** The longest line `readLine` takes (an answer, a username, a password). */
export const MAX_LINE_BYTES = 64 * 1024;

/** Standard input holds more than a command takes: a mistake, or an attack. */
export class InputTooLargeError extends AnacondaError {
  /** The name printed before the message. */
  override name = "InputTooLarge";
}

/**
 * Reads stdin once in chunks and hands out lines, so several prompts can share it.
 * `setRaw` switches a terminal's raw mode (no echo, bytes as typed) for `readSecretLine`.
 * Lines and the whole input are bounded (`MAX_LINE_BYTES`, `MAX_INPUT_BYTES`).
 */
export function streamInput(
  readable: ReadableStream<Uint8Array>,
  isTerminal: boolean,
  options: { setRaw?: (raw: boolean) => void } = {},
): Input {
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let buffer = "";
  let ended = false;
  const textDecoder = new TextDecoder();
  async function fill(): Promise<boolean> {
    if (ended) return false;
    reader ??= readable.getReader();
    const { value, done } = await reader.read();
    if (done) {
      ended = true;
      buffer += textDecoder.decode();
      reader.releaseLock();
      return false;
    }
    buffer += textDecoder.decode(value, { stream: true });
    return true;
  }
  async function readLine(): Promise<string | null> {
    // Only the text a chunk added is searched: a long line costs linear time.
    let newline = buffer.indexOf("\n");
    while (newline === -1) {
      if (buffer.length > MAX_LINE_BYTES) {
        throw new InputTooLargeError(
          `A line of standard input is longer than ${MAX_LINE_BYTES} bytes`,
        );
      }
      const searched = buffer.length;
      if (!(await fill())) break;
      newline = buffer.indexOf("\n", searched);
    }
    if (newline === -1) {
      if (buffer === "") return null;
      const last = buffer;
      buffer = "";
      return last.replace(/\r$/, "");
    }
    const line = buffer.slice(0, newline).replace(/\r$/, "");
    buffer = buffer.slice(newline + 1);
    return line;
  }

  /** Reads keys in raw mode until Enter, echoing nothing. */
  async function readUnechoed(): Promise<string | null> {
    let typed = "";
    for (;;) {
      if (buffer === "" && !(await fill())) return typed === "" ? null : typed;
      const escape = ESCAPE_SEQUENCE.exec(buffer)?.[0];
      const key = escape ?? buffer[0]!;
      buffer = buffer.slice(key.length);
      if (key === "\r" || key === "\n") {
        // A terminal sends \r for Enter; drop the \n of a \r\n pair too.
        if (key === "\r" && buffer.startsWith("\n")) buffer = buffer.slice(1);
        return typed;
      }
      if (key === CTRL_C) throw new InterruptedError("");
      if (key === CTRL_D) {
        if (typed === "") return null;
      } else if (key === CTRL_U) {
        typed = "";
      } else if (ERASE.includes(key)) {
        typed = Array.from(typed).slice(0, -1).join("");
      } else if (key >= " ") {
        typed += key;
      }
    }
  }

  return {
    isTerminal,
    readLine,
    async readSecretLine(ready) {
      const { setRaw } = options;
      if (!isTerminal || !setRaw) {
        ready?.();
        return await readLine();
      }
      setRaw(true);
      try {
        ready?.();
        return await readUnechoed();
      } finally {
        setRaw(false);
      }
    },
    async readAll() {
      while (await fill()) {
        if (buffer.length > MAX_INPUT_BYTES) {
          throw new InputTooLargeError(`Standard input is larger than ${MAX_INPUT_BYTES} bytes`);
        }
      }
      const all = buffer;
      buffer = "";
      return all;
    },
  };
}

/** The most output of a helper program that is kept (stdout and stderr each). */
const MAX_SPAWN_OUTPUT_BYTES = 1024 * 1024;

/** Reads `stream` to its end, keeping at most `MAX_SPAWN_OUTPUT_BYTES`. */
async function collect(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string> {
  const chunks: Uint8Array[] = [];
  let kept = 0;
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    if (kept >= MAX_SPAWN_OUTPUT_BYTES) continue; // drained, not kept
    const part = read.value.subarray(0, MAX_SPAWN_OUTPUT_BYTES - kept);
    chunks.push(part);
    kept += part.length;
  }
  const bytes = new Uint8Array(kept);
  let at = 0;
  for (const part of chunks) {
    bytes.set(part, at);
    at += part.length;
  }
  // Made here: a TextDecoder costs start-up time, and only programs' output needs one.
  return new TextDecoder().decode(bytes);
}

/**
 * Runs a program with a hard time limit: at the limit it is killed and the call ends at
 * once, even when a child of it still holds the output pipes open.
 */
async function spawnProcess(
  program: string,
  args: string[],
  options: SpawnOptions,
): Promise<SpawnResult> {
  const command = new Deno.Command(program, {
    args,
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
    ...(options.env ? { env: options.env } : {}),
  });
  const child = command.spawn();
  const stdout = child.stdout.getReader();
  const stderr = child.stderr.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
      stdout.cancel().catch(() => {});
      stderr.cancel().catch(() => {});
      reject(
        new SpawnTimeoutError(`${program} did not finish within ${options.timeoutMs / 1000} s`),
      );
    }, options.timeoutMs);
  });
  const finished = (async () => {
    if (options.stdin !== undefined) {
      const writer = child.stdin.getWriter();
      try {
        await writer.write(encoder.encode(options.stdin));
        await writer.close();
      } catch { /* the program closed its stdin early; its exit code tells the rest */ }
    }
    const [status, out, err] = await Promise.all([child.status, collect(stdout), collect(stderr)]);
    return { code: status.code, stdout: out, stderr: err };
  })();
  try {
    return await Promise.race([finished, timedOut]);
  } finally {
    clearTimeout(timer);
    finished.catch(() => {}); // after a timeout its readers were cancelled
  }
}

/**
 * The home folder as Python's `Path.home()` finds it, so both tools read the same files:
 * on Windows `USERPROFILE`, else `HOMEDRIVE` + `HOMEPATH` (`HOME` is ignored there, as
 * MSYS2, Cygwin or a user may set it); elsewhere `HOME`. Undefined when none is set.
 */
export function homeFromEnv(
  os: typeof Deno.build.os,
  get: (name: string) => string | undefined,
): string | undefined {
  if (os !== "windows") return get("HOME") ?? get("USERPROFILE");
  const profile = get("USERPROFILE");
  if (profile !== undefined) return profile;
  const path = get("HOMEPATH");
  if (path === undefined) return undefined;
  // ntpath.join(HOMEDRIVE, HOMEPATH): after a bare drive, the path follows directly.
  return /^[a-z]:/i.test(path) ? path : `${get("HOMEDRIVE") ?? ""}${path}`;
}

/** Options of `denoContext`. */
export interface DenoContextOptions {
  /** Where the core's notices go; default: `action` notices on stderr, nothing else. */
  notify?: NoticeHandler;
}

/**
 * The real world, as seen by the running process.
 * @example
 * ```ts
 * import { denoContext } from "./context.ts";
 * const quiet = denoContext({ notify: () => {} }); // not even a device code is shown
 * ```
 */
export function denoContext(options: DenoContextOptions = {}): Context {
  const stderr = denoOutput(Deno.stderr);
  let home: string | undefined;
  const context: Context = {
    env: {
      get: (name) => Deno.env.get(name),
      toObject: () => Deno.env.toObject(),
    },
    cwd: () => Deno.cwd(),
    // Read once: a command asks for it several times, and each read of the environment
    // counts towards what V8 queues for its background compiler (README, "Performance").
    homeDir: () => home ??= homeFromEnv(Deno.build.os, (name) => Deno.env.get(name)) ?? Deno.cwd(),
    hostname: () => {
      try {
        return Deno.hostname();
      } catch {
        return "";
      }
    },
    os: Deno.build.os,
    // Made on first use: most commands never read stdin, and the stream costs start-up.
    get stdin() {
      const stdin = streamInput(Deno.stdin.readable, Deno.stdin.isTerminal(), {
        setRaw: (raw) => Deno.stdin.setRaw(raw),
      });
      Object.defineProperty(context, "stdin", { value: stdin });
      return stdin;
    },
    stdout: denoOutput(Deno.stdout),
    stderr,
    notify: options.notify ?? ((notice) => {
      if (notice.level === "action") stderr.write(`${notice.message}\n`);
    }),
    clock: {
      now: () => Date.now(),
      sleep: (ms, signal) =>
        new Promise((resolve, reject) => {
          const timer = setTimeout(resolve, ms);
          signal?.addEventListener("abort", () => {
            clearTimeout(timer);
            reject(signal.reason);
          }, { once: true });
        }),
    },
    fetch: (input, init) => fetch(input, init),
    spawn: spawnProcess,
    openBrowser: async (url) => (await import("./browser.ts")).openBrowser(url, context),
    onInterrupt: (handler) => {
      Deno.addSignalListener("SIGINT", handler);
      return () => Deno.removeSignalListener("SIGINT", handler);
    },
    runCache: new RunCache(),
  };
  return context;
}
