/**
 * The CLI's own errors (usage, abort, silent exit), the exit codes, and the one place
 * that turns any error into a message and an exit code.
 * @module
 */
import { AnacondaError, InterruptedError, StoreError, UnknownSiteError } from "../../errors.ts";
import { escapeControl } from "../../text.ts";

/** Exit codes: 0 ok, 1 error, 2 usage, 130 interrupted (Ctrl-C). */
export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;

/** Wrong arguments or option values (exit 2). */
export class UsageError extends AnacondaError {
  override name = "UsageError";
  /** The command it happened in (`["anaconda", "sites", "add"]`), for the help hint. */
  commandPath: string[] | undefined;
}

/** The user said no, or there was nobody to ask (`Aborted.`). */
export class AbortError extends AnacondaError {
  override name = "Aborted";
}

/** Ends a command that has already said everything with an exit code, printing nothing. */
export class SilentExitError extends AnacondaError {
  override name = "SilentExit";
  readonly exitCode: number;

  constructor(exitCode: number = EXIT_ERROR) {
    super("");
    this.exitCode = exitCode;
  }
}

/** Where error reports go. */
export interface ErrorSink {
  write(text: string): void;
}

/** The line that ends the report of a network, TLS or storage error. */
export const DOCTOR_HINT = "Run 'anaconda auth doctor' for a diagnosis.";

/**
 * Whether `err` (or an error it wraps) is a network, TLS or storage failure: a set-up
 * problem that `auth doctor` can find. NetworkError is known by its name, so that
 * rendering an error loads no HTTP code.
 */
export function suggestsDoctor(err: unknown): boolean {
  for (let cause = err, depth = 0; cause instanceof Error && depth < 8; depth++) {
    if (cause instanceof StoreError || cause.name === "NetworkError") return true;
    cause = cause.cause;
  }
  return false;
}

/** The exit code for `err`: 2 for usage errors, 130 for Ctrl-C, else 1. */
export function exitCodeOf(err: unknown): number {
  if (err instanceof SilentExitError) return err.exitCode;
  if (err instanceof UsageError) return EXIT_USAGE;
  if (err instanceof InterruptedError) return EXIT_INTERRUPTED;
  return EXIT_ERROR;
}

/** The next step printed under an error, per error (see `addHint`). */
const HINTS = new WeakMap<object, string>();

/**
 * Gives `err` a short hint, printed on the line under it: the next command to run.
 * The CLI adds it where it knows what to suggest; the core's errors stay plain.
 */
export function addHint<E>(err: E, hint: string): E {
  if (typeof err === "object" && err !== null) HINTS.set(err, hint);
  return err;
}

/** The hint under `err`: its own, else what its kind suggests (the sites `--at` accepts). */
export function hintOf(err: unknown): string | undefined {
  const own = typeof err === "object" && err !== null ? HINTS.get(err) : undefined;
  if (own !== undefined) return own;
  if (err instanceof UsageError) {
    return `Try '${(err.commandPath ?? ["anaconda"]).join(" ")} --help' for help.`;
  }
  if (err instanceof UnknownSiteError && err.choices.length > 0) {
    return `Use one of: ${err.choices.map(escapeControl).join(", ")}`;
  }
  if (suggestsDoctor(err)) return DOCTOR_HINT;
  return undefined;
}

/** CSI (`\x1b[1;31m`) and OSC (`\x1b]8;;url\x07`) sequences: colours, links, cursor moves. */
// deno-lint-ignore no-control-regex -- matching the escape character is the point
const ANSI = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?)/g;

/**
 * A message as one readable line: line breaks (and the indentation after them) become
 * one space, and any other control character is shown as an escape (`\x1b`).
 */
export function oneLine(text: string): string {
  return escapeControl(text.trim().replace(/[ \t]*\r?\n\s*/g, " "));
}

/**
 * The message of an error this tool did not expect (a runtime or dependency error):
 * without colours, without the runtime's own advice (`hint: ... deno add npm:...`,
 * meant for the developer of a script, not for a user of the CLI), on one line.
 */
export function unexpectedMessage(text: string): string {
  const lines = text.replace(ANSI, "").split(/\r?\n/)
    .filter((line) => !/^\s*(?:hint|info):/i.test(line));
  return oneLine(lines.join("\n"));
}

/**
 * Prints `err` as one line `ErrorName: message`, and at most a short hint under it
 * (the stack too with `verbose`), and returns the exit code to use.
 */
export function reportError(err: unknown, sink: ErrorSink, verbose: boolean): number {
  const code = exitCodeOf(err);
  if (err instanceof SilentExitError) return code;
  if (err instanceof AbortError) {
    sink.write(`${err.message || "Aborted."}\n`);
    return code;
  }
  if (err instanceof InterruptedError) {
    // A new line first: the terminal echoed ^C where the cursor was.
    if (err.message) sink.write(`\n${err.message}\n`);
    return code;
  }
  const hint = hintOf(err);
  const withHint = (line: string) =>
    sink.write(`${line}\n${hint === undefined ? "" : `${hint}\n`}`);
  if (err instanceof AnacondaError) {
    // One line, whatever foreign text the message quotes (a name, a server's words).
    // A TOML syntax error's message is `<path>:<line>:<col>: <message>`, which editors
    // and terminals can jump to.
    withHint(`${err.name}: ${oneLine(err.message)}`);
    if (verbose && !err.environmental && !(err instanceof UsageError) && err.stack) {
      sink.write(`${err.stack}\n`);
    }
    return code;
  }
  const error = err instanceof Error ? err : new Error(String(err));
  withHint(`${error.name}: ${unexpectedMessage(error.message)}`);
  if (verbose && error.stack) sink.write(`${error.stack}\n`);
  return EXIT_ERROR;
}
