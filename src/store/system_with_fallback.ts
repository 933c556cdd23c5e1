/**
 * `preferred_token_storage = "system"`: the OS keyring, backed by the file keyring when the OS
 * keyring cannot be used (docs/behaviour.md, "System keyrings"; D20, D22). The fallback is a
 * warning notice, never silent.
 * @module
 */
import type { Context } from "../context.ts";
import { type Found, type SecretStore, StoreUnavailableError } from "./secret_store.ts";

/** Reads from the OS keyring, then the file keyring; writes to the OS keyring. */
export class SystemWithFallback implements SecretStore {
  #system: SecretStore;
  #file: SecretStore;
  #context: Pick<Context, "notify">;
  /** Why the OS keyring cannot be used, once that is known. */
  #unavailable: StoreUnavailableError | undefined;

  constructor(system: SecretStore, file: SecretStore, context: Pick<Context, "notify">) {
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
      this.#unavailable = err;
    }
    this.#context.notify({
      level: "warning",
      message: `${err.message}; using the ${this.#file.label} instead`,
    });
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
    const label = await this.#file.set(service, account, secret);
    // The OS keyring could not be opened, so an older secret there could not be removed.
    const warning = this.#unavailable?.writeWarning;
    if (warning !== undefined) this.#context.notify({ level: "warning", message: warning });
    return label;
  }

  async delete(service: string, account: string): Promise<boolean> {
    const fromSystem = await this.#trySystem((store) => store.delete(service, account));
    const fromFile = await this.#file.delete(service, account);
    return fromSystem === true || fromFile;
  }
}
