/**
 * Errors of the anaconda.org client, named like anaconda-client's where a user of it would
 * recognise them (docs/behaviour.md, "Errors and exit codes").
 * @module
 */
import { AnacondaError } from "../errors.ts";

/** The anaconda.org API answered with an error status, or not as anaconda.org does. */
export class OrgApiError extends AnacondaError {
  /** The name printed before the message. */
  override name = "BinstarError";
  /** The HTTP status, or null when the answer was not an HTTP error. */
  readonly status: number | null;
  /** The server's own words (`{"error": "..."}`), when it gave them. */
  readonly serverMessage: string | null;

  constructor(
    message: string,
    options: { status?: number; serverMessage?: string | null; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status ?? null;
    this.serverMessage = options.serverMessage ?? null;
  }
}

/** 401: the credential (API key, password or token) was refused. */
export class OrgUnauthorizedError extends OrgApiError {
  /** The name printed before the message. */
  override name = "Unauthorized";
}

/** The API URL does not answer like an anaconda.org API (unreachable, or 404). */
export class OrgServerError extends OrgApiError {
  /** The name printed before the message. */
  override name = "ServerError";
  /** A fault of the environment or the configuration: the message says it all (D42). */
  override readonly environmental = true;
}

/** No anaconda.org token is stored (logout, whoami). */
export class OrgNotLoggedInError extends AnacondaError {
  /** The name printed before the message. */
  override name = "NotLoggedIn";
}
