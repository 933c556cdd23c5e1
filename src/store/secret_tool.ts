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

const PROGRAM = "secret-tool";
const NAME = "system keyring (Secret Service)";

/** The attributes that identify an item, as Python keyring sets them. */
function lookupAttributes(service: string, account: string): string[] {
  return ["service", service, "username", account];
}

/** The label Python keyring gives an item. */
export function itemLabel(service: string, account: string): string {
  return `Password for '${account}' on '${service}'`;
}

/** The Secret Service via `secret-tool`. */
export class SecretToolStore implements SecretStore {
  readonly label = NAME;
  #tool: KeyringTool;

  constructor(context: Pick<Context, "spawn">, options: { timeoutMs?: number } = {}) {
    this.#tool = new KeyringTool(context, {
      program: PROGRAM,
      name: NAME,
      ...options,
      missing: `${PROGRAM} is not installed (package libsecret-tools)`,
      notExecutable: `${PROGRAM} is not executable`,
      waitingFor: "an unlock prompt",
    });
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

  async set(service: string, account: string, secret: string): Promise<string> {
    // Clear first: gnome-keyring's replace misses items with other attribute sets.
    const cleared = await this.#tool.run(["clear", ...lookupAttributes(service, account)]);
    if (cleared.code !== 0 && cleared.stderr.trim() !== "") throw this.#failure(cleared);
    const result = await this.#tool.run([
      "store",
      `--label=${itemLabel(service, account)}`,
      "xdg:schema",
      "org.freedesktop.Secret.Generic",
      ...lookupAttributes(service, account),
      "application",
      "Python keyring library",
    ], secret);
    if (result.code !== 0) {
      if (result.stderr.trim() === "") {
        throw new StoreError(`The ${NAME} did not store the secret (exit ${result.code})`);
      }
      throw this.#failure(result);
    }
    return this.label;
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
