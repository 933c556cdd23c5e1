/**
 * What every secret store shares (go-keyring style): the interface, the error that
 * makes the caller fall back to the file keyring, and the constants. The backends
 * import only this file, so they never import the code that chooses between them.
 * @module
 */
import { StoreError } from "../errors.ts";

/** A place that keeps secrets by service and account. */
export interface SecretStore {
  /** Where the secrets are, for people: `file keyring ~/.anaconda/keyring`. */
  readonly label: string;
  /** The secret, or null when there is none. */
  get(service: string, account: string): Promise<string | null>;
  /** Stores the secret and returns the label of where it went. */
  set(service: string, account: string, secret: string): Promise<string>;
  /** Removes the secret; false when there was none. */
  delete(service: string, account: string): Promise<boolean>;
}

/** A secret and the label of the store it was found in. */
export interface Found {
  secret: string;
  label: string;
}

/** Reads a secret and says where it was (a chain of stores knows which one had it). */
export async function find(
  store: SecretStore & { find?(service: string, account: string): Promise<Found | null> },
  service: string,
  account: string,
): Promise<Found | null> {
  if (store.find) return await store.find(service, account);
  const secret = await store.get(service, account);
  return secret === null ? null : { secret, label: store.label };
}

/**
 * The OS keyring cannot be used at all (not installed, no D-Bus, no daemon) or not for
 * this secret (too large): the caller falls back to the file keyring with a warning.
 */
export class StoreUnavailableError extends StoreError {
  override name = "StoreUnavailableError";
  /** Only this secret cannot go there (e.g. it is too large); the store itself works. */
  readonly perSecret: boolean;
  /** What to warn about when a secret is written elsewhere instead (a stale copy there). */
  readonly writeWarning: string | undefined;

  constructor(
    message: string,
    options: { perSecret?: boolean; cause?: unknown; writeWarning?: string } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.perSecret = options.perSecret ?? false;
    this.writeWarning = options.writeWarning;
  }
}

/** Milliseconds a keyring helper program may take before it is killed. */
export const KEYRING_TIMEOUT_MS = 15_000;

/** The keyring service name of the Python tool. */
export const KEYRING_SERVICE = "Anaconda Cloud";
