/**
 * The file keyring of the Python tool (`~/.anaconda/keyring`), byte-compatible:
 * `{"Anaconda Cloud": {"anaconda.com": "<base64>"}}` as Python's `json.dump` writes it.
 * Better than the Python tool (A13, A14): file 0600 in a 0700 folder, atomic writes, an
 * exclusive lock around read-modify-write, and a corrupt file is moved aside, not lost.
 * @module
 */
import type { Context } from "../context.ts";
import { StoreError } from "../errors.ts";
import { withFileLock } from "../lock.ts";
import { baseName, dirName, joinPath } from "../path.ts";
import { displayPath, type SecretStore } from "./store.ts";

type KeyringData = Record<string, unknown>;

/** `json.dumps(value)` of Python: `", "` and `": "` separators, non-ASCII as `\uXXXX`. */
export function pythonJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return pythonJsonString(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "NaN";
    if (!Number.isFinite(value)) return value > 0 ? "Infinity" : "-Infinity";
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(", ")}]`;
  if (typeof value === "object") {
    const items = Object.entries(value as Record<string, unknown>)
      .map(([key, inner]) => `${pythonJsonString(key)}: ${pythonJsonDumps(inner)}`);
    return `{${items.join(", ")}}`;
  }
  return "null";
}

const ESCAPES: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\b": "\\b",
  "\f": "\\f",
};

function pythonJsonString(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    const code = text.charCodeAt(i);
    const escape = ESCAPES[char];
    if (escape !== undefined) out += escape;
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += char;
  }
  return `${out}"`;
}

/** `20250102T030405Z` */
function utcStamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, "Z").replace(/[-:]/g, "");
}

function describe(err: unknown): string {
  if (err instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (err instanceof Deno.errors.NotFound) return "no such file or folder";
  if (err instanceof Deno.errors.NotADirectory) return "a part of the path is not a folder";
  if (err instanceof Deno.errors.AlreadyExists) return "a file is in the way";
  if (err instanceof Deno.errors.IsADirectory) return "it is a folder";
  return err instanceof Error ? err.message : String(err);
}

/** What reading the file found. */
type ReadResult =
  | { kind: "ok"; data: KeyringData; text: string | null }
  | { kind: "corrupt"; reason: string };

function parseKeyring(text: string): ReadResult {
  if (text.trim() === "") return { kind: "ok", data: {}, text };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    // Only the position: the parser's message quotes the text around it (secrets, A18).
    const at = /line (\d+) column (\d+)/.exec((err as Error).message);
    return {
      kind: "corrupt",
      reason: at ? `not valid JSON at line ${at[1]}, column ${at[2]}` : "not valid JSON",
    };
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    return { kind: "corrupt", reason: "not a JSON object" };
  }
  for (const [service, accounts] of Object.entries(parsed as KeyringData)) {
    if (accounts === null || typeof accounts !== "object" || Array.isArray(accounts)) {
      return { kind: "corrupt", reason: `the entry of service "${service}" is not an object` };
    }
  }
  return { kind: "ok", data: parsed as KeyringData, text };
}

/** A JSON file of `{service: {account: secret}}`. */
export class FileKeyring implements SecretStore {
  readonly path: string;
  readonly label: string;
  #context: Pick<Context, "stderr" | "clock" | "os">;

  constructor(path: string, context: Pick<Context, "stderr" | "clock" | "os" | "homeDir">) {
    this.path = path;
    this.label = `file keyring ${displayPath(path, context.homeDir())}`;
    this.#context = context;
  }

  get lockPath(): string {
    return `${this.path}.lock`;
  }

  async #readFile(): Promise<ReadResult> {
    let text: string;
    try {
      text = await Deno.readTextFile(this.path);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory) {
        return { kind: "ok", data: {}, text: null };
      }
      throw new StoreError(`Cannot read the file keyring ${this.path}: ${describe(err)}`, {
        cause: err,
      });
    }
    return parseKeyring(text);
  }

  /** Moves a corrupt file aside (under the lock) and says where (A13). */
  async #moveAside(reason: string): Promise<void> {
    const base = `${this.path}.corrupt-${utcStamp(this.#context.clock.now())}`;
    let target = base;
    for (let n = 1;; n++) {
      try {
        await Deno.lstat(target);
        target = `${base}-${n}`;
      } catch {
        break;
      }
    }
    try {
      await Deno.rename(this.path, target);
    } catch (err) {
      throw new StoreError(
        `The file keyring ${this.path} is corrupt (${reason}) and could not be moved aside: ${
          describe(err)
        }`,
        { cause: err },
      );
    }
    this.#context.stderr.write(
      `Warning: the file keyring ${this.path} was corrupt (${reason}); it was moved to ${target}\n`,
    );
  }

  async #withLock<T>(action: () => Promise<T>): Promise<T> {
    const folder = dirName(this.path);
    try {
      await Deno.mkdir(folder, { recursive: true, mode: 0o700 });
    } catch (err) {
      throw new StoreError(
        `Cannot create the folder ${folder} of the file keyring: ${describe(err)}`,
        {
          cause: err,
        },
      );
    }
    return await withFileLock(this.lockPath, action, {
      fail: (err) =>
        new StoreError(`Cannot write the file keyring in ${folder}: ${describe(err)}`, {
          cause: err,
        }),
    });
  }

  /** The data, under the lock; a corrupt file is moved aside first. */
  async #readLocked(): Promise<ReadResult & { kind: "ok" }> {
    const result = await this.#readFile();
    if (result.kind === "ok") return result;
    await this.#moveAside(result.reason);
    return { kind: "ok", data: {}, text: null };
  }

  async #write(data: KeyringData): Promise<void> {
    const temp = joinPath(dirName(this.path), `.${baseName(this.path)}.${crypto.randomUUID()}.tmp`);
    try {
      await Deno.writeTextFile(temp, pythonJsonDumps(data), { mode: 0o600, createNew: true });
      if (this.#context.os !== "windows") await Deno.chmod(temp, 0o600);
      await Deno.rename(temp, this.path);
    } catch (err) {
      await Deno.remove(temp).catch(() => {});
      throw new StoreError(`Cannot write the file keyring ${this.path}: ${describe(err)}`, {
        cause: err,
      });
    }
  }

  async #read(): Promise<KeyringData> {
    const result = await this.#readFile();
    if (result.kind === "ok") return result.data;
    // Corrupt: move it aside under the lock, unless another process just did.
    try {
      return await this.#withLock(async () => (await this.#readLocked()).data);
    } catch (err) {
      if (!(err instanceof StoreError)) throw err;
      const detail = err.message.includes("corrupt")
        ? err.message
        : `The file keyring ${this.path} is corrupt (${result.reason}) and could not be moved aside: ${err.message}`;
      this.#context.stderr.write(`Warning: ${detail}; reading it as empty\n`);
      return {};
    }
  }

  async get(service: string, account: string): Promise<string | null> {
    const accounts = (await this.#read())[service] as Record<string, unknown> | undefined;
    const value = accounts?.[account];
    return typeof value === "string" ? value : null;
  }

  async set(service: string, account: string, secret: string): Promise<string> {
    await this.#withLock(async () => {
      const { data } = await this.#readLocked();
      const accounts = (data[service] ??= {}) as Record<string, unknown>;
      accounts[account] = secret;
      await this.#write(data);
    });
    return this.label;
  }

  async delete(service: string, account: string): Promise<boolean> {
    // Nothing to delete: no lock, no write (and no folder created).
    const current = await this.#readFile();
    if (current.kind === "ok") {
      const accounts = current.data[service] as Record<string, unknown> | undefined;
      if (!accounts || !Object.hasOwn(accounts, account)) return false;
    }
    return await this.#withLock(async () => {
      const { data } = await this.#readLocked();
      const accounts = data[service] as Record<string, unknown> | undefined;
      if (!accounts || !Object.hasOwn(accounts, account)) return false;
      delete accounts[account];
      await this.#write(data);
      return true;
    });
  }
}
