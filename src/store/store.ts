/**
 * Secret stores: one small interface, and the choice of store for a site (SPEC Part B
 * §2.2): the file keyring by default, the OS keyring with `preferred_token_storage =
 * "system"` (falling back to the file keyring, with a warning, when it is unavailable).
 * Backends are imported only when they are used.
 * @module
 */
import type { Context } from "../context.ts";
import type { SiteConfig } from "../config/schema.ts";
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

  constructor(message: string, options: { perSecret?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.perSecret = options.perSecret ?? false;
  }
}

/** Seconds a keyring helper program may take before it is killed. */
export const KEYRING_TIMEOUT_MS = 15_000;

/** The keyring service name of the Python tool. */
export const KEYRING_SERVICE = "Anaconda Cloud";

/** `~/...` for paths in the home folder, for messages. */
export function displayPath(path: string, homeDir: string): string {
  const home = homeDir.replace(/[\\/]+$/, "");
  if (home !== "" && (path.startsWith(`${home}/`) || path.startsWith(`${home}\\`))) {
    return `~${path.slice(home.length)}`;
  }
  return path;
}

/** Reads from the OS keyring, then the file keyring; writes to the OS keyring. */
class SystemWithFallback implements SecretStore {
  #system: SecretStore;
  #file: SecretStore;
  #context: Context;
  #unavailable = false;

  constructor(system: SecretStore, file: SecretStore, context: Context) {
    this.#system = system;
    this.#file = file;
    this.#context = context;
  }

  get label(): string {
    return this.#unavailable ? this.#file.label : this.#system.label;
  }

  /** Warns (once when the OS keyring is unusable, each time for a per-secret limit). */
  #fallBack(err: StoreUnavailableError): void {
    if (!err.perSecret) {
      if (this.#unavailable) return;
      this.#unavailable = true;
    }
    this.#context.stderr.write(`Warning: ${err.message}; using the ${this.#file.label} instead\n`);
  }

  async #trySystem<T>(action: (store: SecretStore) => Promise<T>): Promise<T | undefined> {
    if (this.#unavailable) return undefined;
    try {
      return await action(this.#system);
    } catch (err) {
      if (!(err instanceof StoreUnavailableError)) throw err;
      this.#fallBack(err);
      return undefined;
    }
  }

  async get(service: string, account: string): Promise<string | null> {
    return (await this.find(service, account))?.secret ?? null;
  }

  async find(service: string, account: string): Promise<Found | null> {
    const fromSystem = await this.#trySystem((store) => store.get(service, account));
    if (fromSystem !== undefined && fromSystem !== null) {
      return { secret: fromSystem, label: this.#system.label };
    }
    const fromFile = await this.#file.get(service, account);
    return fromFile === null ? null : { secret: fromFile, label: this.#file.label };
  }

  async set(service: string, account: string, secret: string): Promise<string> {
    const written = await this.#trySystem((store) => store.set(service, account, secret));
    if (written !== undefined) return written;
    // Only this secret did not fit: an older one there would be read before the file's.
    await this.#trySystem((store) => store.delete(service, account));
    return await this.#file.set(service, account, secret);
  }

  async delete(service: string, account: string): Promise<boolean> {
    const fromSystem = await this.#trySystem((store) => store.delete(service, account));
    const fromFile = await this.#file.delete(service, account);
    return fromSystem === true || fromFile;
  }
}

/** The OS keyring of this platform. */
async function openSystemStore(context: Context): Promise<SecretStore> {
  switch (context.os) {
    case "darwin": {
      const { MacosSecurityStore } = await import("./macos_security.ts");
      return new MacosSecurityStore(context);
    }
    case "windows": {
      const { WindowsCredentialStore, openCredentialApi } = await import("./windows_cred.ts");
      return new WindowsCredentialStore(openCredentialApi);
    }
    default: {
      const { SecretToolStore } = await import("./secret_tool.ts");
      return new SecretToolStore(context);
    }
  }
}

const opened = new WeakMap<Context, Map<string, Promise<SecretStore>>>();

/**
 * The store that keeps the tokens of `config`'s site (not the read-only config store):
 * the file keyring at `keyring_path`, or with `preferred_token_storage = "system"` the OS
 * keyring backed by the file keyring. One instance per context and choice, so a
 * fallback warning is printed once per process.
 */
export function openTokenStore(context: Context, config: SiteConfig): Promise<SecretStore> {
  let byKey = opened.get(context);
  if (!byKey) {
    byKey = new Map();
    opened.set(context, byKey);
  }
  const key = `${config.preferred_token_storage}\n${config.keyring_path}`;
  let store = byKey.get(key);
  if (!store) {
    store = (async () => {
      const { FileKeyring } = await import("./file_keyring.ts");
      const file = new FileKeyring(config.keyring_path, context);
      if (config.preferred_token_storage !== "system") return file;
      return new SystemWithFallback(await openSystemStore(context), file, context);
    })();
    byKey.set(key, store);
  }
  return store;
}
