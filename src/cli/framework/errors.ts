/**
 * The CLI's own errors (usage, abort, silent exit), the exit codes, and the one place
 * that turns any error into a message and an exit code.
 * @module
 */
import { AnacondaError, InterruptedError, StoreError, TomlSyntaxError } from "../../errors.ts";
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

/**
 * Prints `err` as one line `ErrorName: message` (the stack too with `verbose`)
 * and returns the exit code to use.
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
  if (err instanceof TomlSyntaxError) {
    // The bare location line, so that editors and terminals can jump to it.
    sink.write(`${escapeControl(err.message)}\n`);
    return code;
  }
  if (err instanceof UsageError) {
    const command = (err.commandPath ?? ["anaconda"]).join(" ");
    sink.write(`${err.name}: ${err.message}\nTry '${command} --help' for help.\n`);
    return code;
  }
  if (err instanceof AnacondaError) {
    // One line, whatever foreign text the message quotes (a name, a server's words).
    sink.write(`${err.name}: ${escapeControl(err.message)}\n`);
    if (verbose && !err.environmental && err.stack) sink.write(`${err.stack}\n`);
    if (suggestsDoctor(err)) sink.write(`${DOCTOR_HINT}\n`);
    return code;
  }
  const error = err instanceof Error ? err : new Error(String(err));
  sink.write(`${error.name}: ${escapeControl(error.message)}\n`);
  if (verbose && error.stack) sink.write(`${error.stack}\n`);
  return EXIT_ERROR;
}
