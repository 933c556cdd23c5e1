/**
 * Reading a PEM file named by the configuration (a CA bundle, a client certificate or
 * key, `SSL_CERT_FILE`): only a regular file, and at most `MAX_PEM_BYTES`, so that a
 * FIFO cannot hang the command and `/dev/zero` cannot fill memory. Errors name the file
 * and the setting that named it.
 * @module
 */
import { ConfigError, errorMessage } from "../errors.ts";
import { FileTooLargeError, NotAFileError, readTextBounded } from "../files.ts";

/** The largest PEM file read: every public root CA together is about 300 KB. */
export const MAX_PEM_BYTES = 8 * 1024 * 1024;

/**
 * The text of the PEM file at `path`, or null when it does not exist. Anything else
 * that keeps it from being read is a `ConfigError`:
 * `Cannot read the <what> <path> (<field>): it is not a regular file`.
 */
export async function readPemFile(
  path: string,
  what: string,
  field: string,
): Promise<string | null> {
  try {
    return await readTextBounded(path, MAX_PEM_BYTES);
  } catch (err) {
    const reason = err instanceof NotAFileError || err instanceof FileTooLargeError
      ? err.message
      : err instanceof Deno.errors.PermissionDenied
      ? "permission denied"
      : errorMessage(err);
    throw new ConfigError(`Cannot read the ${what} ${path} (${field}): ${reason}`);
  }
}
