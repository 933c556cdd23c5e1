/**
 * The Linux system keyring (Secret Service: gnome-keyring, KWallet, KeePassXC) through
 * `secret-tool`, with the item layout of Python keyring's SecretService backend, so
 * either tool finds the other's tokens (SPEC Part A'). Secrets travel on stdin only.
 * @module
 */
import type { Context, SpawnResult } from "../context.ts";
import { StoreError } from "../errors.ts";
import { KeyringTool } from "./keyring_tool.ts";
import { type SecretStore, StoreUnavailableError } from "./secret_store.ts";
import { SecretServiceBus } from "./secret_service_bus.ts";

const PROGRAM = "secret-tool";
const NAME = "system keyring (Secret Service)";

/** The attributes that identify an item, as Python keyring sets them. */
function lookupAttributes(service: string, account: string): string[] {
  return ["service", service, "username", account];
}

/**
 * All the attributes of an item this project writes: Python keyring's, plus the schema
 * that its libsecret backend looks for (SPEC Part A').
 */
function itemAttributes(service: string, account: string): Record<string, string> {
  return {
    "xdg:schema": "org.freedesktop.Secret.Generic",
    service,
    username: account,
    application: "Python keyring library",
  };
}

/** The label Python keyring gives an item. */
export function itemLabel(service: string, account: string): string {
  return `Password for '${account}' on '${service}'`;
}

/** The Secret Service via `secret-tool`. */
export class SecretToolStore implements SecretStore {
  readonly label = NAME;
  #tool: KeyringTool;
  #bus: SecretServiceBus;

  constructor(context: Pick<Context, "spawn">, options: { timeoutMs?: number } = {}) {
    this.#tool = new KeyringTool(context, {
      program: PROGRAM,
      name: NAME,
      ...options,
      missing: `${PROGRAM} is not installed (package libsecret-tools)`,
      notExecutable: `${PROGRAM} is not executable`,
      waitingFor: "an unlock prompt",
    });
    this.#bus = new SecretServiceBus(context, { name: NAME, ...options });
  }

  /** A failure with a message: a locked collection, or the service is not reachable. */
  #failure(result: SpawnResult): StoreError {
    const message = result.stderr.trim().split("\n")[0]?.replace(/^secret-tool:\s*/, "") ?? "";
    if (/locked/i.test(message)) return lockedError();
    return new StoreUnavailableError(
      `the ${NAME} is not available: ${message || `${PROGRAM} exited with ${result.code}`}`,
    );
  }

  /** After an exit 1 without a message: is there a matching item we may not read? */
  async #isLocked(service: string, account: string): Promise<boolean> {
    const result = await this.#tool.run(["search", ...lookupAttributes(service, account)]);
    return /locked/i.test(result.stderr);
  }

  async get(service: string, account: string): Promise<string | null> {
    const result = await this.#tool.run(["lookup", ...lookupAttributes(service, account)]);
    if (result.code === 0) return result.stdout;
    if (result.stderr.trim() !== "") throw this.#failure(result);
    if (await this.#isLocked(service, account)) throw lockedError();
    return null;
  }

  /**
   * Stores first, then removes the other items of the account, so that a process
   * killed at any moment leaves the old secret or the new one, never none. The store
   * replaces our own item in place; gnome-keyring's replace misses items with other
   * attribute sets (Python keyring's have no `xdg:schema`), which are removed after.
   */
  async set(service: string, account: string, secret: string): Promise<string> {
    await this.#store(service, account, secret);
    try {
      await this.#removeOtherItems(service, account, secret);
    } catch (err) {
      if (!(err instanceof StoreUnavailableError)) throw err;
      await this.#replaceWithoutBus(service, account, secret);
    }
    return this.label;
  }

  async #store(service: string, account: string, secret: string): Promise<void> {
    const attributes = Object.entries(itemAttributes(service, account)).flat();
    const label = `--label=${itemLabel(service, account)}`;
    const result = await this.#tool.run(["store", label, ...attributes], secret);
    if (result.code === 0) return;
    if (result.stderr.trim() === "") {
      throw new StoreError(`The ${NAME} did not store the secret (exit ${result.code})`);
    }
    throw this.#failure(result);
  }

  /** Deletes every item of the account but one of ours, which then holds `secret`. */
  async #removeOtherItems(service: string, account: string, secret: string): Promise<void> {
    const all = await this.#bus.search({ service, username: account });
    if (all.length <= 1) return;
    const ours = await this.#bus.search(itemAttributes(service, account));
    const kept = ours[0];
    if (kept === undefined) return;
    for (const path of all) if (path !== kept) await this.#bus.delete(path);
    // With several of ours, the kept one may be an older copy (store replaced another).
    if (ours.length > 1) await this.#store(service, account, secret);
  }

  /**
   * Without dbus-send, items cannot be deleted one by one: only when another item
   * hides the new secret from readers, clear them all and store again (a process
   * killed between the two loses the secret, hence the bus is tried first).
   */
  async #replaceWithoutBus(service: string, account: string, secret: string): Promise<void> {
    if ((await this.get(service, account)) === secret) return;
    await this.delete(service, account);
    await this.#store(service, account, secret);
  }

  async delete(service: string, account: string): Promise<boolean> {
    const result = await this.#tool.run(["clear", ...lookupAttributes(service, account)]);
    if (result.code === 0) return true;
    if (result.stderr.trim() !== "") throw this.#failure(result);
    if (await this.#isLocked(service, account)) throw lockedError();
    return false;
  }
}

function lockedError(): StoreError {
  return new StoreError(
    `The ${NAME} is locked: unlock its collection (e.g. log in to the desktop session) ` +
      `or set preferred_token_storage = "anaconda-keyring"`,
  );
}
