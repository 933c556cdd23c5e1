/**
 * A store in memory, for tests: records every call so tests can check what was read,
 * written and deleted.
 * @module
 */
import type { SecretStore } from "./store.ts";

export class MemoryStore implements SecretStore {
  readonly label: string;
  readonly entries = new Map<string, string>();
  readonly calls: string[] = [];

  constructor(label = "memory store") {
    this.label = label;
  }

  static key(service: string, account: string): string {
    return `${service}\u0000${account}`;
  }

  get(service: string, account: string): Promise<string | null> {
    this.calls.push(`get ${service} ${account}`);
    return Promise.resolve(this.entries.get(MemoryStore.key(service, account)) ?? null);
  }

  set(service: string, account: string, secret: string): Promise<string> {
    this.calls.push(`set ${service} ${account}`);
    this.entries.set(MemoryStore.key(service, account), secret);
    return Promise.resolve(this.label);
  }

  delete(service: string, account: string): Promise<boolean> {
    this.calls.push(`delete ${service} ${account}`);
    return Promise.resolve(this.entries.delete(MemoryStore.key(service, account)));
  }
}
