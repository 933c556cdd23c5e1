/**
 * Error classes and the one place that turns any error into a message and an exit code.
 * @module
 */

/** Exit codes: 0 ok, 1 error, 2 usage, 130 interrupted (Ctrl-C). */
export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;

/** Base class of every error this tool expects; the message is shown without a stack. */
export class AnacondaError extends Error {
  override name = "AnacondaError";
  readonly exitCode: number = EXIT_ERROR;
  /**
   * A fault of the environment (network, TLS, config, storage) rather than of this
   * program: its message says everything, so no stack trace even with `--verbose` (A11).
   */
  readonly environmental: boolean = false;
}

/** Wrong arguments or option values (exit 2). */
export class UsageError extends AnacondaError {
  override name = "UsageError";
  override readonly exitCode = EXIT_USAGE;
}

/** Invalid configuration, or a config file that cannot be read or parsed. */
export class ConfigError extends AnacondaError {
  override name = "ConfigError";
  override readonly environmental = true;
}

/** `config.toml` is not valid TOML; printed as the bare `<path>:<line>:<col>: <message>` (A10). */
export class TomlSyntaxError extends ConfigError {
  override name = "TomlSyntaxError";
}

/** A site name or domain that is not configured. */
export class UnknownSiteError extends ConfigError {
  override name = "UnknownSiteName";
}

/** A token store could not be read or written. */
export class StoreError extends AnacondaError {
  override name = "StoreError";
  override readonly environmental = true;
}

/** No API key is stored for the site. */
export class TokenNotFoundError extends AnacondaError {
  override name = "TokenNotFoundError";
}

/** The stored API key has expired. */
export class TokenExpiredError extends AnacondaError {
  override name = "TokenExpiredError";
}

/** The service answered 401/403 `auth_required`. */
export class LoginRequiredError extends AnacondaError {
  override name = "LoginRequiredError";
}

/** The user said no, or there was nobody to ask (`Aborted.`). */
export class AbortError extends AnacondaError {
  override name = "Aborted";
}

/** Ctrl-C (exit 130). */
export class InterruptedError extends AnacondaError {
  override name = "Interrupted";
  override readonly exitCode = EXIT_INTERRUPTED;
}

/** Ends a command that has already said everything with an exit code, printing nothing. */
export class SilentExitError extends AnacondaError {
  override name = "SilentExit";
  override readonly exitCode: number;

  constructor(exitCode: number = EXIT_ERROR) {
    super("");
    this.exitCode = exitCode;
  }
}

/** Where error reports go. */
export interface ErrorSink {
  write(text: string): void;
}

/**
 * Prints `err` as one line `ErrorName: message` (the stack too with `verbose`)
 * and returns the exit code to use.
 */
export function reportError(err: unknown, sink: ErrorSink, verbose: boolean): number {
  if (err instanceof SilentExitError) return err.exitCode;
  if (err instanceof AbortError) {
    sink.write(`${err.message || "Aborted."}\n`);
    return err.exitCode;
  }
  if (err instanceof InterruptedError) {
    if (err.message) sink.write(`${err.message}\n`);
    return err.exitCode;
  }
  if (err instanceof TomlSyntaxError) {
    // The bare location line, so that editors and terminals can jump to it.
    sink.write(`${err.message}\n`);
    return err.exitCode;
  }
  if (err instanceof AnacondaError) {
    sink.write(`${err.name}: ${err.message}\n`);
    if (verbose && !err.environmental && err.stack) sink.write(`${err.stack}\n`);
    return err.exitCode;
  }
  const error = err instanceof Error ? err : new Error(String(err));
  sink.write(`${error.name}: ${error.message}\n`);
  if (verbose && error.stack) sink.write(`${error.stack}\n`);
  return EXIT_ERROR;
}
