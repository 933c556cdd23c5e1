/**
 * What `secret-tool` cannot do: find the items of a Secret Service by their full D-Bus
 * paths and delete one item (not every item that matches some attributes). Done with
 * `dbus-send`, which ships with the D-Bus daemon (Debian: dbus-bin). No secrets pass
 * through here, only attributes and paths.
 * @module
 */
import type { Context } from "../context.ts";
import { KeyringTool } from "./keyring_tool.ts";
import { StoreUnavailableError } from "./secret_store.ts";

const PROGRAM = "dbus-send";
const DEST = "--dest=org.freedesktop.secrets";

/** The items of the Secret Service, through `dbus-send`. */
export class SecretServiceBus {
  #tool: KeyringTool;

  constructor(context: Pick<Context, "spawn">, options: { name: string; timeoutMs?: number }) {
    this.#tool = new KeyringTool(context, {
      program: PROGRAM,
      ...options,
      missing: `${PROGRAM} is not installed (package dbus-bin)`,
      notExecutable: `${PROGRAM} is not executable`,
      waitingFor: "the Secret Service",
    });
  }

  async #call(path: string, method: string, ...args: string[]): Promise<string> {
    const result = await this.#tool.run([
      "--session",
      "--print-reply",
      DEST,
      path,
      method,
      ...args,
    ]);
    if (result.code !== 0) {
      const message = result.stderr.trim().split("\n")[0] ?? "";
      throw new StoreUnavailableError(`${PROGRAM} failed: ${message || `exit ${result.code}`}`);
    }
    return result.stdout;
  }

  /** The paths of the unlocked items that have all these attributes (and maybe more). */
  async search(attributes: Record<string, string>): Promise<string[]> {
    const pairs = Object.entries(attributes).flat();
    // dbus-send's dict syntax separates with commas and cannot escape them.
    if (pairs.some((text) => text.includes(","))) {
      throw new StoreUnavailableError(`${PROGRAM} cannot search for a value with a comma`);
    }
    const reply = await this.#call(
      "/org/freedesktop/secrets",
      "org.freedesktop.Secret.Service.SearchItems",
      `dict:string:string:${pairs.join(",")}`,
    );
    // The reply holds two arrays of object paths: the unlocked items, then the locked ones.
    const unlocked = /array \[([^\]]*)\]/.exec(reply)?.[1] ?? "";
    return [...unlocked.matchAll(/object path "([^"]+)"/g)].map((match) => match[1]!);
  }

  /** Deletes one item; false when the service wants a prompt first (it is left alone). */
  async delete(path: string): Promise<boolean> {
    const reply = await this.#call(path, "org.freedesktop.Secret.Item.Delete");
    return /object path "\/"/.test(reply);
  }
}
