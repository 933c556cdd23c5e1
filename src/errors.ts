/**
 * The domain errors: what the core (config, token, store, http, login, conda, org)
 * throws. Exit codes and rendering are the CLI's business (`src/cli/framework/errors.ts`).
 * @module
 */

/** The message of whatever was thrown (an Error's message, else the value as text). */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Base class of every error this tool expects; the message is shown without a stack. */
export class AnacondaError extends Error {
  /** The name printed before the message. */
  override name = "AnacondaError";
  /**
   * A fault of the environment (network, TLS, config, storage) rather than of this program: its
   * message says everything, so no stack trace even with `--verbose` (D42).
   */
  readonly environmental: boolean = false;
}

/** Invalid configuration, or a config file that cannot be read or parsed. */
export class ConfigError extends AnacondaError {
  /** The name printed before the message. */
  override name = "ConfigError";
  /** A fault of the environment: its message says it all (no stack trace, D42). */
  override readonly environmental = true;
}

/**
 * `config.toml` is not valid TOML: `TomlSyntaxError: <path>:<line>:<col>: <message>`, one
 * line like every error, with the location that editors and terminals can jump to.
 */
export class TomlSyntaxError extends ConfigError {
  /** The name printed before the message. */
  override name = "TomlSyntaxError";
}

/** A site name or domain that is not configured. */
export class UnknownSiteError extends ConfigError {
  /** The name printed before the message. */
  override name = "UnknownSiteName";
  /** The values that would have worked: the configured sites (`work (work.example) [default]`). */
  readonly choices: string[];

  /** `choices`: what to list as the values that work. */
  constructor(message: string, choices: string[] = []) {
    super(message);
    this.choices = choices;
  }
}

/** A token store could not be read or written. */
export class StoreError extends AnacondaError {
  /** The name printed before the message. */
  override name = "StoreError";
  /** A fault of the environment: its message says it all (no stack trace, D42). */
  override readonly environmental = true;
}

/** No API key is stored for the site. */
export class TokenNotFoundError extends AnacondaError {
  /** The name printed before the message. */
  override name = "TokenNotFoundError";
}

/** The stored API key has expired. */
export class TokenExpiredError extends AnacondaError {
  /** The name printed before the message. */
  override name = "TokenExpiredError";
}

/** The service answered 401/403 `auth_required`. */
export class LoginRequiredError extends AnacondaError {
  /** The name printed before the message. */
  override name = "LoginRequiredError";
}

/** Ctrl-C during a long wait (a login); the CLI exits 130. */
export class InterruptedError extends AnacondaError {
  /** The name printed before the message. */
  override name = "Interrupted";
}
