/**
 * Errors of the conda side: a `.condarc` that cannot be read, parsed or written, and a
 * repo token that the repository does not accept.
 * @module
 */
import { AnacondaError, ConfigError } from "../errors.ts";

/** A `.condarc` that cannot be read, parsed or written; the message names the file. */
export class CondarcError extends ConfigError {
  /** The name printed before the message. */
  override name = "CondarcError";
}

/** The repository did not accept a repo token (D54); the message never holds the token. */
export class TokenValidationError extends AnacondaError {
  /** The name printed before the message. */
  override name = "TokenValidationError";
}
