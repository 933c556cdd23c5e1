/**
 * The read-only keyring made from the configuration (the Python tool's `ConfigKeyring`,
 * docs/behaviour.md, "Keys in the configuration"): the inline `keyring` table, else a token
 * record built from `api_key`. It lives with the token records because it builds one;
 * `tokens.ts` loads it only when the configuration holds a token.
 * @module
 */
import type { SiteConfig } from "../config/schema.ts";
import { StoreError } from "../errors.ts";
import { KEYRING_SERVICE, type SecretStore } from "../store/secret_store.ts";
import { encodeTokenInfo, newTokenInfo } from "./token_info.ts";

/** Secrets from `config.keyring`, or the `api_key` record; cannot be written. */
export class ConfigKeyring implements SecretStore {
  readonly label: string;
  #config: SiteConfig;

  constructor(config: SiteConfig) {
    this.#config = config;
    this.label = config.keyring !== null ? "config keyring" : "config api_key";
  }

  get(service: string, account: string): Promise<string | null> {
    const { keyring, api_key } = this.#config;
    if (keyring !== null) return Promise.resolve(keyring[service]?.[account] ?? null);
    if (api_key !== null && service === KEYRING_SERVICE) {
      return Promise.resolve(encodeTokenInfo({ ...newTokenInfo(account), api_key }));
    }
    return Promise.resolve(null);
  }

  set(): Promise<string> {
    return Promise.reject(new StoreError("This keyring cannot set passwords"));
  }

  delete(): Promise<boolean> {
    return Promise.reject(new StoreError("This keyring cannot delete passwords"));
  }
}
