/**
 * The read-only store made from the configuration (the Python tool's `ConfigKeyring`):
 * the inline `keyring` table, else a record built from `api_key`.
 * @module
 */
import type { SiteConfig } from "../config/schema.ts";
import { StoreError } from "../errors.ts";
import { KEYRING_SERVICE, type SecretStore } from "../store/store.ts";
import { encodeTokenInfo, newTokenInfo } from "./token_info.ts";

/** True when the configuration itself holds the token (`api_key` or `keyring`). */
export function hasConfigToken(config: SiteConfig): boolean {
  return config.api_key !== null || config.keyring !== null;
}

/** Secrets from `config.keyring`, or the `api_key` record; cannot be written. */
export class ConfigStore implements SecretStore {
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
