/**
 * The file keyring of the Python tool (`~/.anaconda/keyring`), byte-compatible: `{"Anaconda
 * Cloud": {"anaconda.com": "<base64>"}}` as Python's `json.dump` writes it. Better than the
 * Python tool (D15, D16, D17): file 0600 in a 0700 folder, atomic writes, an exclusive lock
 * around read-modify-write, temporary files of killed writers removed, entries it does not know
 * kept as they are, and a file that is not JSON moved aside, not lost.
 * @module
 */
import type { Context } from "../context.ts";
import { errorMessage, StoreError } from "../errors.ts";
import {
  assertWritable,
  FileTooLargeError,
  NotUtf8Error,
  readTextBounded,
  removeStaleTempFiles,
  writeFileAtomic,
} from "../files.ts";
import { baseName, dirName, joinPath } from "../path.ts";
import type { SecretStore } from "./secret_store.ts";

// The JSON layout, read as raw member texts so that a value this project does not change
// (another service, an entry of a shape it does not know) is written back byte for byte.
// (Kept in this file: `auth api-key` loads no more modules than it needs.)

/** The members of a JSON object: key -> the value's JSON text as found, in file order. */
export type RawMembers = Map<string, string>;

const ESCAPES: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\b": "\\b",
  "\f": "\\f",
};

/** `json.dumps(text)` of Python: non-ASCII as `\uXXXX` (ensure_ascii). */
export function pythonJsonString(text: string): string {
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

/** `{"key": value, ...}` with Python's `", "` and `": "` separators. */
export function dumpObject(members: RawMembers): string {
  const items = [...members].map(([key, raw]) => `${pythonJsonString(key)}: ${raw}`);
  return `{${items.join(", ")}}`;
}

const SPACE = " \t\n\r";

function skipSpace(text: string, at: number): number {
  while (at < text.length && SPACE.includes(text[at] as string)) at++;
  return at;
}

/** The index after the string that starts at `at`. */
function endOfString(text: string, at: number): number {
  let i = at + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
  return i + 1;
}

/** The index after the value that starts at `at` (the text is known to be valid JSON). */
function endOfValue(text: string, at: number): number {
  const first = text[at];
  if (first === '"') return endOfString(text, at);
  if (first !== "{" && first !== "[") {
    let i = at;
    while (i < text.length && !`,}]${SPACE}`.includes(text[i] as string)) i++;
    return i;
  }
  let depth = 0;
  let i = at;
  while (i < text.length) {
    const char = text[i];
    if (char === '"') {
      i = endOfString(text, i);
      continue;
    }
    if (char === "{" || char === "[") depth++;
    else if (char === "}" || char === "]") {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return i;
}

/**
 * The members of `text` when it is a JSON object, null when it is other valid JSON.
 * Throws the `SyntaxError` of `JSON.parse` when it is not JSON. A repeated key keeps its
 * first place and its last value, as `JSON.parse` and Python's `json.load` do.
 */
export function objectMembers(text: string): RawMembers | null {
  const parsed: unknown = JSON.parse(text);
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return null;
  const members: RawMembers = new Map();
  let at = skipSpace(text, skipSpace(text, 0) + 1);
  while (text[at] === '"') {
    const keyEnd = endOfString(text, at);
    const key = JSON.parse(text.slice(at, keyEnd)) as string;
    const start = skipSpace(text, skipSpace(text, keyEnd) + 1);
    const end = endOfValue(text, start);
    members.set(key, text.slice(start, end));
    at = skipSpace(text, end);
    if (text[at] === ",") at = skipSpace(text, at + 1);
  }
  return members;
}

/** A keyring file larger than this is refused rather than read into memory. */
export const MAX_KEYRING_BYTES = 16 * 1024 * 1024;

type FileKeyringContext = Pick<Context, "notify" | "clock" | "os" | "homeDir">;

/** `~/...` for paths in the home folder, for messages. */
export function displayPath(path: string, homeDir: string): string {
  const home = homeDir.replace(/[\\/]+$/, "");
  if (home !== "" && (path.startsWith(`${home}/`) || path.startsWith(`${home}\\`))) {
    return `~${path.slice(home.length)}`;
  }
  return path;
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
  return errorMessage(err);
}

/** A file keyring that is not corrupt: its text ("" for none) and the object it holds. */
export interface KeyringFile {
  text: string;
  document: Record<string, unknown>;
}

const NO_FILE: KeyringFile = { text: "", document: {} };

/** What reading the file found: the file, or why it is corrupt. */
export type ReadResult =
  /** `notUtf8`: bytes that are not UTF-8 were read as U+FFFD (a rewrite would lose them). */
  | ({ kind: "ok"; notUtf8?: boolean } & KeyringFile)
  | { kind: "corrupt"; reason: string };

/** Only text that is not JSON, or JSON that is not an object, is corrupt (D15). */
export function parseKeyring(text: string): ReadResult {
  if (text.trim() === "") return { kind: "ok", ...NO_FILE };
  try {
    const document: unknown = JSON.parse(text);
    return isObject(document)
      ? { kind: "ok", text, document }
      : { kind: "corrupt", reason: "not a JSON object" };
  } catch (err) {
    // Only the position: the parser's message quotes the text around it (secrets, D41).
    const at = /line (\d+) column (\d+)/.exec((err as Error).message);
    return {
      kind: "corrupt",
      reason: at ? `not valid JSON at line ${at[1]}, column ${at[2]}` : "not valid JSON",
    };
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * The secret of an account (read with `JSON.parse` alone: no scan of the text in
 * JavaScript on the hot commands); null when missing or of another shape (a service that
 * is not an object, a value that is not a string).
 */
function secretIn(document: Record<string, unknown>, service: string, account: string) {
  const accounts = Object.hasOwn(document, service) ? document[service] : undefined;
  const secret = isObject(accounts) && Object.hasOwn(accounts, account)
    ? accounts[account]
    : undefined;
  return typeof secret === "string" ? secret : null;
}

/** The members of a file, each value's JSON text as found: what a rewrite keeps. */
function membersOf(file: KeyringFile): RawMembers {
  return file.text === "" ? new Map() : objectMembers(file.text)!;
}

/** The accounts of a service; null when its entry is missing or not an object. */
function accountsOf(members: RawMembers, service: string): RawMembers | null {
  const raw = members.get(service);
  return raw?.startsWith("{") ? objectMembers(raw) : null;
}

/** A JSON file of `{service: {account: secret}}`. */
export class FileKeyring implements SecretStore {
  readonly path: string;
  readonly label: string;
  #context: FileKeyringContext;

  constructor(path: string, context: FileKeyringContext) {
    this.path = path;
    this.label = `file keyring ${displayPath(path, context.homeDir())}`;
    this.#context = context;
  }

  get lockPath(): string {
    return `${this.path}.lock`;
  }

  async #readFile(): Promise<ReadResult> {
    let text: string | null;
    let notUtf8 = false;
    try {
      text = await readTextBounded(this.path, MAX_KEYRING_BYTES, { strictUtf8: true }).catch(
        (err) => {
          if (!(err instanceof NotUtf8Error)) throw err;
          notUtf8 = true;
          return readTextBounded(this.path, MAX_KEYRING_BYTES);
        },
      );
    } catch (err) {
      if (err instanceof Deno.errors.NotADirectory) return { kind: "ok", ...NO_FILE };
      if (err instanceof FileTooLargeError) {
        throw new StoreError(
          `The file keyring ${this.path} is larger than ${MAX_KEYRING_BYTES / 1024 / 1024} MiB`,
        );
      }
      throw new StoreError(`Cannot read the file keyring ${this.path}: ${describe(err)}`, {
        cause: err,
      });
    }
    if (text === null) return { kind: "ok", ...NO_FILE };
    const result = parseKeyring(text);
    return result.kind === "ok" && notUtf8 ? { ...result, notUtf8 } : result;
  }

  /** Moves a corrupt file aside (under the lock), readable by its owner only, and says where. */
  async #moveAside(reason: string): Promise<void> {
    const base = `${joinPath(dirName(this.path), baseName(this.path))}.corrupt-${
      utcStamp(this.#context.clock.now())
    }`;
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
      await assertWritable(this.path);
      // Before the rename, so that no moment leaves a readable copy under the new name;
      // never through a symbolic link (the rename moves the link, its target is not ours).
      const isLink = (await Deno.lstat(this.path)).isSymlink;
      if (this.#context.os !== "windows" && !isLink) {
        await Deno.chmod(this.path, 0o600).catch(() => {});
      }
      await Deno.rename(this.path, target);
    } catch (err) {
      throw new StoreError(
        `The file keyring ${this.path} is corrupt (${reason}) and could not be moved aside: ${
          describe(err)
        }`,
        { cause: err },
      );
    }
    this.#context.notify({
      level: "warning",
      message: `the file keyring ${this.path} was corrupt (${reason}); it was moved to ${target}`,
    });
  }

  async #withLock<T>(action: () => Promise<T>): Promise<T> {
    const folder = dirName(this.path);
    try {
      await Deno.mkdir(folder, { recursive: true, mode: 0o700 });
    } catch (err) {
      throw new StoreError(
        `Cannot create the folder ${folder} of the file keyring: ${describe(err)}`,
        { cause: err },
      );
    }
    // Loaded by writers only: the hot commands read the keyring, without a lock.
    const { withFileLock } = await import("../lock.ts");
    return await withFileLock(this.lockPath, async () => {
      // Under the lock no writer is mid-write: its leftovers (they hold secrets) can go.
      await removeStaleTempFiles(this.path);
      return await action();
    }, {
      fail: (err) =>
        new StoreError(`Cannot write the file keyring in ${folder}: ${describe(err)}`, {
          cause: err,
        }),
    });
  }

  /**
   * A `~/.anaconda` that others may read (Python creates it 0755) becomes 0700 when a
   * secret goes into it, with one line saying so (D17); never a folder of another user.
   */
  async #tightenFolder(): Promise<void> {
    const folder = dirName(this.path);
    if (this.#context.os === "windows") return;
    if (folder !== joinPath(this.#context.homeDir(), ".anaconda")) return;
    try {
      // lstat: a link to a folder is not ours to change (its target may be anything).
      const info = await Deno.lstat(folder);
      if (!info.isDirectory || info.mode === null || (info.mode & 0o077) === 0) return;
      // No owner (Windows: no uid, no POSIX modes to tighten) is not ours either.
      if (info.uid === null || info.uid !== Deno.uid()) return;
      await Deno.chmod(folder, 0o700);
    } catch {
      return; // Not ours to change (or no permission to ask): the file itself is 0600.
    }
    this.#context.notify({
      level: "info",
      message: `Tightened the permissions of ${folder} to 0700 (it holds secrets)`,
    });
  }

  /**
   * The file, under the lock, for a rewrite: a corrupt file is moved aside first; a
   * file with bytes that are not UTF-8 (in another program's entry) is refused, since
   * the rewrite would replace them.
   */
  async #readLocked(): Promise<KeyringFile> {
    const result = await this.#readFile();
    if (result.kind === "ok" && result.notUtf8) {
      throw new StoreError(
        `Cannot write the file keyring ${this.path}: it is not UTF-8 text (an entry holds other bytes), and rewriting it would change them; fix or remove that entry`,
      );
    }
    if (result.kind === "ok") return result;
    await this.#moveAside(result.reason);
    return NO_FILE;
  }

  async #write(members: RawMembers): Promise<void> {
    try {
      await assertWritable(this.path);
      await writeFileAtomic(this.path, dumpObject(members), { mode: 0o600 });
    } catch (err) {
      throw new StoreError(`Cannot write the file keyring ${this.path}: ${describe(err)}`, {
        cause: err,
      });
    }
  }

  async #read(): Promise<KeyringFile> {
    const result = await this.#readFile();
    if (result.kind === "ok") return result;
    // Corrupt: move it aside under the lock, unless another process just did.
    try {
      return await this.#withLock(() => this.#readLocked());
    } catch (err) {
      if (!(err instanceof StoreError)) throw err;
      const detail = err.message.includes("corrupt")
        ? err.message
        : `The file keyring ${this.path} is corrupt (${result.reason}) and could not be moved aside: ${err.message}`;
      this.#context.notify({ level: "warning", message: `${detail}; reading it as empty` });
      return NO_FILE;
    }
  }

  /** Entries of another shape (a service that is not an object, a value that is not a string) read as missing. */
  async get(service: string, account: string): Promise<string | null> {
    return secretIn((await this.#read()).document, service, account);
  }

  /**
   * What `get` returns, without writing anything: undefined when the file is corrupt
   * (which `get` moves aside, with a warning). A file that cannot be read throws, as in `get`.
   */
  async peek(service: string, account: string): Promise<string | null | undefined> {
    const result = await this.#readFile();
    return result.kind === "ok" ? secretIn(result.document, service, account) : undefined;
  }

  async set(service: string, account: string, secret: string): Promise<string> {
    await this.#withLock(async () => {
      const members = membersOf(await this.#readLocked());
      const accounts = members.has(service) ? accountsOf(members, service) : new Map();
      if (accounts === null) {
        throw new StoreError(
          `Cannot store the secret in the file keyring ${this.path}: its entry "${service}" is not a JSON object; fix or remove it`,
        );
      }
      accounts.set(account, pythonJsonString(secret));
      members.set(service, dumpObject(accounts));
      await this.#tightenFolder();
      await this.#write(members);
    });
    return this.label;
  }

  async delete(service: string, account: string): Promise<boolean> {
    const holds = (file: KeyringFile) => secretIn(file.document, service, account) !== null;
    // Nothing to delete: no lock, no write (and no folder created).
    const current = await this.#readFile();
    if (current.kind === "ok" && !holds(current)) return false;
    return await this.#withLock(async () => {
      const file = await this.#readLocked();
      if (!holds(file)) return false;
      const members = membersOf(file);
      const accounts = accountsOf(members, service)!;
      accounts.delete(account);
      members.set(service, dumpObject(accounts));
      await this.#write(members);
      return true;
    });
  }
}
