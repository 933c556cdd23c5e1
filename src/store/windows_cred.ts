/**
 * The Windows Credential Manager with the layout of Python keyring's Windows backend: generic
 * credentials with TargetName `Anaconda Cloud` (or `<user>@Anaconda Cloud`), UserName = domain,
 * blob = UTF-16LE without terminator, persisted ENTERPRISE (docs/behaviour.md, "System
 * keyrings"). Secrets over 2560 bytes do not fit: the caller falls back (D20). The FFI library
 * is opened only when the store is first used, on Windows.
 * @module
 */
import { StoreError } from "../errors.ts";
import { type SecretStore, StoreUnavailableError } from "./secret_store.ts";

const NAME = "Windows Credential Manager";
/** `CRED_MAX_CREDENTIAL_BLOB_SIZE` (5 * 512 bytes). */
export const MAX_BLOB_BYTES = 2560;
export const CRED_TYPE_GENERIC = 1;
export const CRED_PERSIST_NONE = 0;
export const CRED_PERSIST_ENTERPRISE = 3;
/** The length of the array `CredGetSessionTypes` fills (`CRED_TYPE_MAXIMUM`). */
export const CRED_TYPE_MAXIMUM = 7;
export const ERROR_NOT_FOUND = 1168;
/** A logon session without credentials (SSH with a key, network logon): no store. */
export const ERROR_NO_SUCH_LOGON_SESSION = 1312;

/** A stored generic credential. */
export interface Credential {
  userName: string;
  blob: Uint8Array;
}

/** The three operations of advapi32 this store needs (a fake in tests). */
export interface CredentialApi {
  /** `CredReadW`; null when there is no such credential. */
  read(target: string): Credential | null;
  /** `CredWriteW` of a generic, enterprise-persisted credential. */
  write(target: string, credential: Credential): void;
  /** `CredDeleteW`; false when there was no such credential. */
  delete(target: string): boolean;
}

/** UTF-16LE bytes without a terminator (Python's `str.encode("utf-16-le")`). */
export function encodeUtf16(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < text.length; i++) view.setUint16(i * 2, text.charCodeAt(i), true);
  return bytes;
}

/**
 * A blob as Python keyring reads it: `blob.decode("utf-16")` (a byte order mark is
 * honoured, little-endian without one), and when that fails (odd length, lone
 * surrogate) `blob.decode("utf-8")`, for credentials other tools wrote in UTF-8.
 */
export function decodeBlob(bytes: Uint8Array): string {
  try {
    if (bytes[0] === 0xfe && bytes[1] === 0xff) {
      return new TextDecoder("utf-16be", { fatal: true }).decode(bytes.subarray(2));
    }
    return new TextDecoder("utf-16le", { fatal: true }).decode(bytes);
  } catch {
    // Not UTF-16: try UTF-8 below.
  }
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new StoreError(`A credential in the ${NAME} is neither UTF-16 nor UTF-8 text`);
  }
}

/** `<user>@<service>`: where Python keyring keeps a second user of the same service. */
export function compoundTarget(account: string, service: string): string {
  return `${account}@${service}`;
}

/** Python keyring's Windows backend semantics over a `CredentialApi`. */
export class WindowsCredentialStore implements SecretStore {
  readonly label = NAME;
  #open: () => Promise<CredentialApi>;
  #api: Promise<CredentialApi> | undefined;

  constructor(open: () => Promise<CredentialApi>) {
    this.#open = open;
  }

  #getApi(): Promise<CredentialApi> {
    this.#api ??= this.#open();
    return this.#api;
  }

  async get(service: string, account: string): Promise<string | null> {
    const api = await this.#getApi();
    let found = api.read(service);
    if (found === null || found.userName !== account) {
      found = api.read(compoundTarget(account, service));
    }
    return found === null ? null : decodeBlob(found.blob);
  }

  async set(service: string, account: string, secret: string): Promise<string> {
    const blob = encodeUtf16(secret);
    if (blob.length > MAX_BLOB_BYTES) {
      throw new StoreUnavailableError(
        `the token is too large for the ${NAME} (${blob.length} bytes, at most ${MAX_BLOB_BYTES})`,
        { perSecret: true },
      );
    }
    const api = await this.#getApi();
    const existing = api.read(service);
    if (existing !== null && existing.userName !== account) {
      // Keep the other user's credential under its compound name, as Python keyring does.
      api.write(compoundTarget(existing.userName, service), existing);
    }
    api.write(service, { userName: account, blob });
    return this.label;
  }

  async delete(service: string, account: string): Promise<boolean> {
    const api = await this.#getApi();
    let deleted = false;
    for (const target of [service, compoundTarget(account, service)]) {
      const existing = api.read(target);
      if (existing !== null && existing.userName === account && api.delete(target)) deleted = true;
    }
    return deleted;
  }
}

// ---- advapi32 through Deno FFI (x64 and arm64 layout of CREDENTIALW) ----

/** Byte offsets in `CREDENTIALW` on 64-bit Windows. */
export const CREDENTIAL_LAYOUT = {
  size: 80,
  flags: 0,
  type: 4,
  targetName: 8,
  comment: 16,
  lastWritten: 24,
  blobSize: 32,
  blob: 40,
  persist: 48,
  attributeCount: 52,
  attributes: 56,
  targetAlias: 64,
  userName: 72,
} as const;

/** A NUL-terminated UTF-16LE string for a `LPCWSTR` parameter. */
export function wideString(text: string): Uint16Array<ArrayBuffer> {
  const chars = new Uint16Array(text.length + 1);
  for (let i = 0; i < text.length; i++) chars[i] = text.charCodeAt(i);
  return chars;
}

function pointerValue(buffer: BufferSource): bigint {
  const view = ArrayBuffer.isView(buffer) ? buffer : new Uint8Array(buffer);
  return BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(view)));
}

/**
 * A `CREDENTIALW` for `CredWriteW`. The returned buffers must stay referenced until the
 * call returns (the struct points into them).
 */
export function encodeCredential(target: string, credential: Credential): {
  struct: Uint8Array<ArrayBuffer>;
  keepAlive: unknown[];
} {
  const L = CREDENTIAL_LAYOUT;
  const struct = new Uint8Array(L.size);
  const view = new DataView(struct.buffer);
  const targetName = wideString(target);
  const userName = wideString(credential.userName);
  const blob = new Uint8Array(Math.max(credential.blob.length, 1));
  blob.set(credential.blob);
  view.setUint32(L.flags, 0, true);
  view.setUint32(L.type, CRED_TYPE_GENERIC, true);
  view.setBigUint64(L.targetName, pointerValue(targetName), true);
  view.setUint32(L.blobSize, credential.blob.length, true);
  view.setBigUint64(L.blob, credential.blob.length === 0 ? 0n : pointerValue(blob), true);
  view.setUint32(L.persist, CRED_PERSIST_ENTERPRISE, true);
  view.setBigUint64(L.userName, pointerValue(userName), true);
  return { struct, keepAlive: [targetName, userName, blob] };
}

function readWideString(pointer: Deno.PointerValue): string {
  if (pointer === null) return "";
  const view = new Deno.UnsafePointerView(pointer);
  const chars: number[] = [];
  for (let offset = 0;; offset += 2) {
    const char = view.getUint16(offset);
    if (char === 0) break;
    chars.push(char);
  }
  let text = "";
  for (let i = 0; i < chars.length; i += 0x2000) {
    text += String.fromCharCode(...chars.slice(i, i + 0x2000));
  }
  return text;
}

/** Reads a `CREDENTIALW` that `CredReadW` returned. */
export function decodeCredential(pointer: Deno.PointerObject): Credential {
  const L = CREDENTIAL_LAYOUT;
  const view = new Deno.UnsafePointerView(pointer);
  const blobSize = view.getUint32(L.blobSize);
  const blobPointer = view.getPointer(L.blob);
  const blob = new Uint8Array(blobSize);
  if (blobSize > 0 && blobPointer !== null) {
    Deno.UnsafePointerView.copyInto(blobPointer, blob);
  }
  return { userName: readWideString(view.getPointer(L.userName)), blob };
}

const ADVAPI32 = {
  CredReadW: { parameters: ["buffer", "u32", "u32", "buffer"], result: "i32" },
  CredWriteW: { parameters: ["buffer", "u32"], result: "i32" },
  CredDeleteW: { parameters: ["buffer", "u32", "u32"], result: "i32" },
  CredEnumerateW: { parameters: ["buffer", "u32", "buffer", "buffer"], result: "i32" },
  CredGetSessionTypes: { parameters: ["u32", "buffer"], result: "i32" },
  CredFree: { parameters: ["pointer"], result: "void" },
} as const;

const KERNEL32 = {
  GetLastError: { parameters: [], result: "u32" },
} as const;

/** The native functions the store calls (tests wrap them, e.g. to lose the last error). */
export type CredentialSymbols =
  & Deno.DynamicLibrary<typeof ADVAPI32>["symbols"]
  & Deno.DynamicLibrary<typeof KERNEL32>["symbols"];

/** What `set` leaves behind when the store cannot be opened for want of FFI. */
const STALE_WITHOUT_FFI = `a key stored earlier in the ${NAME} stays there, and the Python ` +
  `tool reads it before this one: run with --allow-ffi to replace it`;

/** Whether this logon session can keep generic credentials (`CredGetSessionTypes`). */
function sessionHasStore(symbols: CredentialSymbols): boolean {
  const persists = new Uint32Array(CRED_TYPE_MAXIMUM);
  if (symbols.CredGetSessionTypes(CRED_TYPE_MAXIMUM, persists) === 0) return true;
  return persists[CRED_TYPE_GENERIC] !== CRED_PERSIST_NONE;
}

/**
 * After a failed call: throws StoreUnavailableError when the session has no Credential
 * Manager (error 1312, or no generic credentials: SSH with a key, network logon).
 */
function assertSessionStore(symbols: CredentialSymbols, code: number): void {
  if (code === ERROR_NO_SUCH_LOGON_SESSION || !sessionHasStore(symbols)) {
    throw new StoreUnavailableError(
      `the ${NAME} cannot be used: this logon session has no credential store ` +
        `(error ${ERROR_NO_SUCH_LOGON_SESSION}: an SSH or network logon)`,
    );
  }
}

/** The target names of all the user's credentials; null when `CredEnumerateW` fails. */
function listTargets(symbols: CredentialSymbols): string[] | null {
  const count = new Uint32Array(1);
  const out = new BigUint64Array(1);
  if (symbols.CredEnumerateW(null, 0, count, out) === 0) return null;
  const array = Deno.UnsafePointer.create(out[0] ?? 0n);
  if (array === null) return [];
  try {
    const view = new Deno.UnsafePointerView(array);
    const targets: string[] = [];
    for (let i = 0; i < (count[0] ?? 0); i++) {
      const credential = view.getPointer(i * 8);
      if (credential === null) continue;
      const fields = new Deno.UnsafePointerView(credential);
      targets.push(readWideString(fields.getPointer(CREDENTIAL_LAYOUT.targetName)));
    }
    return targets;
  } finally {
    symbols.CredFree(array);
  }
}

/**
 * After a call on `target` failed with `code` other than ERROR_NOT_FOUND: whether the
 * credential is absent, decided without trusting `code`. JS and V8 run between the
 * call and `GetLastError`, so the value may be lost (other FFI runtimes on V8 report
 * it). Throws StoreUnavailableError when the session has no Credential Manager.
 */
function confirmedAbsent(symbols: CredentialSymbols, target: string, code: number): boolean {
  assertSessionStore(symbols, code);
  // An empty Credential Manager is a failed enumeration.
  const targets = listTargets(symbols);
  if (targets === null) return true;
  // Target names are case-insensitive.
  const wanted = target.toLowerCase();
  return !targets.some((name) => name.toLowerCase() === wanted);
}

/** The store's three operations over advapi32's functions. */
export function credentialApi(symbols: CredentialSymbols): CredentialApi {
  return {
    read(target) {
      const out = new BigUint64Array(1);
      if (symbols.CredReadW(wideString(target), CRED_TYPE_GENERIC, 0, out) === 0) {
        const code = symbols.GetLastError();
        if (code === ERROR_NOT_FOUND || confirmedAbsent(symbols, target, code)) return null;
        throw new StoreError(`The ${NAME} could not read a credential (error ${code})`);
      }
      const pointer = Deno.UnsafePointer.create(out[0] ?? 0n);
      if (pointer === null) return null;
      try {
        return decodeCredential(pointer);
      } finally {
        symbols.CredFree(pointer);
      }
    },
    write(target, credential) {
      const { struct, keepAlive } = encodeCredential(target, credential);
      const ok = symbols.CredWriteW(struct, 0);
      void keepAlive;
      if (ok !== 0) return;
      const code = symbols.GetLastError();
      assertSessionStore(symbols, code);
      throw new StoreError(`The ${NAME} could not store a credential (error ${code})`);
    },
    delete(target) {
      if (symbols.CredDeleteW(wideString(target), CRED_TYPE_GENERIC, 0) !== 0) return true;
      const code = symbols.GetLastError();
      if (code === ERROR_NOT_FOUND || confirmedAbsent(symbols, target, code)) return false;
      throw new StoreError(`The ${NAME} could not delete a credential (error ${code})`);
    },
  };
}

/** Opens advapi32's functions (Windows only; needs `--allow-ffi`). */
export function openCredentialSymbols(dlopen: typeof Deno.dlopen = Deno.dlopen): CredentialSymbols {
  try {
    const advapi = dlopen("advapi32.dll", ADVAPI32);
    const kernel = dlopen("kernel32.dll", KERNEL32);
    return { ...advapi.symbols, ...kernel.symbols };
  } catch (err) {
    if (err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.PermissionDenied) {
      throw new StoreUnavailableError(
        `the ${NAME} cannot be used: run with --allow-ffi to use it`,
        {
          cause: err,
          writeWarning: STALE_WITHOUT_FFI,
        },
      );
    }
    throw new StoreUnavailableError(`the ${NAME} cannot be used: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/** The Credential Manager of this Windows session (needs `--allow-ffi`). */
export function openCredentialApi(
  dlopen: typeof Deno.dlopen = Deno.dlopen,
): Promise<CredentialApi> {
  try {
    return Promise.resolve(credentialApi(openCredentialSymbols(dlopen)));
  } catch (err) {
    return Promise.reject(err);
  }
}
