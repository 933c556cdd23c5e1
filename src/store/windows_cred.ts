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
export const CRED_PERSIST_ENTERPRISE = 3;
export const ERROR_NOT_FOUND = 1168;

/** A stored generic credential. */
export interface Credential {
  userName: string;
  blob: Uint8Array;
}

/** The four calls of advapi32 this store needs (a fake in tests). */
export interface CredentialApi {
  /** `CredReadW`; null when `GetLastError()` is ERROR_NOT_FOUND. */
  read(target: string): Credential | null;
  /** `CredWriteW` of a generic, enterprise-persisted credential. */
  write(target: string, credential: Credential): void;
  /** `CredDeleteW`; false when not found. */
  delete(target: string): boolean;
}

/** UTF-16LE bytes without a terminator (Python's `str.encode("utf-16-le")`). */
export function encodeUtf16(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < text.length; i++) view.setUint16(i * 2, text.charCodeAt(i), true);
  return bytes;
}

export function decodeUtf16(bytes: Uint8Array): string {
  return new TextDecoder("utf-16le").decode(bytes);
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
    return found === null ? null : decodeUtf16(found.blob);
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
  CredFree: { parameters: ["pointer"], result: "void" },
} as const;

const KERNEL32 = {
  GetLastError: { parameters: [], result: "u32" },
} as const;

/** Opens advapi32 (Windows only; needs `--allow-ffi`). */
export function openCredentialApi(): Promise<CredentialApi> {
  let advapi: Deno.DynamicLibrary<typeof ADVAPI32>;
  let kernel: Deno.DynamicLibrary<typeof KERNEL32>;
  try {
    advapi = Deno.dlopen("advapi32.dll", ADVAPI32);
    kernel = Deno.dlopen("kernel32.dll", KERNEL32);
  } catch (err) {
    const reason =
      err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.PermissionDenied
        ? "run with --allow-ffi to use it"
        : (err as Error).message;
    return Promise.reject(
      new StoreUnavailableError(`the ${NAME} cannot be used: ${reason}`, { cause: err }),
    );
  }
  const fail = (action: string) =>
    new StoreError(`The ${NAME} could not ${action} (error ${kernel.symbols.GetLastError()})`);
  return Promise.resolve({
    read(target) {
      const out = new BigUint64Array(1);
      if (advapi.symbols.CredReadW(wideString(target), CRED_TYPE_GENERIC, 0, out) === 0) {
        const code = kernel.symbols.GetLastError();
        if (code === ERROR_NOT_FOUND) return null;
        throw new StoreError(`The ${NAME} could not read a credential (error ${code})`);
      }
      const pointer = Deno.UnsafePointer.create(out[0] ?? 0n);
      if (pointer === null) return null;
      try {
        return decodeCredential(pointer);
      } finally {
        advapi.symbols.CredFree(pointer);
      }
    },
    write(target, credential) {
      const { struct, keepAlive } = encodeCredential(target, credential);
      const ok = advapi.symbols.CredWriteW(struct, 0);
      void keepAlive;
      if (ok === 0) throw fail("store a credential");
    },
    delete(target) {
      if (advapi.symbols.CredDeleteW(wideString(target), CRED_TYPE_GENERIC, 0) !== 0) return true;
      const code = kernel.symbols.GetLastError();
      if (code === ERROR_NOT_FOUND) return false;
      throw new StoreError(`The ${NAME} could not delete a credential (error ${code})`);
    },
  });
}
