/**
 * advapi32's credential functions in memory, behind the same FFI signatures as the real
 * ones (structs and pointers included), so the store's native code runs on every OS
 * without touching a real Credential Manager. It can lose `GetLastError`'s value, fail
 * calls with a given error code, and have no credential store in the logon session.
 * @module
 */
import {
  CRED_PERSIST_ENTERPRISE,
  CRED_PERSIST_NONE,
  CRED_TYPE_GENERIC,
  CREDENTIAL_LAYOUT,
  type CredentialSymbols,
  decodeCredential,
  encodeCredential,
  ERROR_NOT_FOUND,
} from "../src/store/windows_cred.ts";

function wideText(buffer: BufferSource | null): string {
  if (!(buffer instanceof Uint16Array)) throw new Error("expected a wide string");
  const end = buffer.indexOf(0);
  return String.fromCharCode(...buffer.subarray(0, end < 0 ? buffer.length : end));
}

function pointerText(pointer: Deno.PointerValue): string {
  if (pointer === null) return "";
  const view = new Deno.UnsafePointerView(pointer);
  let text = "";
  for (let offset = 0;; offset += 2) {
    const char = view.getUint16(offset);
    if (char === 0) return text;
    text += String.fromCharCode(char);
  }
}

function addressOf(buffer: BufferSource): bigint {
  const view = ArrayBuffer.isView(buffer) ? buffer : new Uint8Array(buffer);
  return BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(view)));
}

/** A Credential Manager in memory with advapi32's calling conventions. */
export class FakeAdvapi32 {
  /** By lower-cased target name (targets are case-insensitive), the structs as written. */
  readonly #stored = new Map<string, ReturnType<typeof encodeCredential>>();
  /** Buffers handed out (as CredReadW/CredEnumerateW results) until CredFree. */
  readonly #handedOut = new Map<bigint, unknown>();
  #lastError = 0;
  /** What `GetLastError` returns instead of the real value (V8 ran in between). */
  lostLastError: number | undefined;
  /** Makes every CredReadW/CredWriteW/CredDeleteW fail with this error code. */
  failWith: number | undefined;
  /** What `CredGetSessionTypes` reports for generic credentials. */
  sessionPersist: number = CRED_PERSIST_ENTERPRISE;
  readonly calls: string[] = [];

  /** The targets held, as written. */
  targets(): string[] {
    return [...this.#stored.values()].map((entry) => {
      const view = new Deno.UnsafePointerView(Deno.UnsafePointer.of(entry.struct)!);
      return pointerText(view.getPointer(CREDENTIAL_LAYOUT.targetName));
    });
  }

  /** The user name and blob of `target`, or undefined. */
  get(target: string): { userName: string; blob: Uint8Array } | undefined {
    const entry = this.#stored.get(target.toLowerCase());
    return entry && decodeCredential(Deno.UnsafePointer.of(entry.struct)!);
  }

  /** Stores a credential directly (as another program would). */
  put(target: string, userName: string, blob: Uint8Array): void {
    this.#stored.set(target.toLowerCase(), encodeCredential(target, { userName, blob }));
  }

  #fail(code: number): number {
    this.#lastError = code;
    return 0;
  }

  #handOut(buffer: BufferSource, keepAlive: unknown = buffer): bigint {
    const address = addressOf(buffer);
    this.#handedOut.set(address, keepAlive);
    return address;
  }

  /** The functions, typed as the store's `CredentialSymbols`. */
  symbols(): CredentialSymbols {
    const symbols = {
      CredReadW: (
        target: BufferSource | null,
        type: number,
        _flags: number,
        out: BufferSource | null,
      ) => {
        const name = wideText(target);
        this.calls.push(`CredReadW ${name}`);
        if (this.failWith !== undefined) return this.#fail(this.failWith);
        const entry = this.#stored.get(name.toLowerCase());
        if (type !== CRED_TYPE_GENERIC || entry === undefined) return this.#fail(ERROR_NOT_FOUND);
        // A copy, as the real one allocates the result (kept alive until CredFree).
        const copy = encodeCredential(name, decodeCredential(Deno.UnsafePointer.of(entry.struct)!));
        (out as BigUint64Array)[0] = this.#handOut(copy.struct, copy);
        return 1;
      },
      CredWriteW: (struct: BufferSource | null, _flags: number) => {
        const pointer = Deno.UnsafePointer.of(struct as Uint8Array)!;
        const target = pointerText(new Deno.UnsafePointerView(pointer).getPointer(8));
        this.calls.push(`CredWriteW ${target}`);
        if (this.failWith !== undefined) return this.#fail(this.failWith);
        const credential = decodeCredential(pointer);
        this.put(target, credential.userName, credential.blob);
        return 1;
      },
      CredDeleteW: (target: BufferSource | null, _type: number, _flags: number) => {
        const name = wideText(target);
        this.calls.push(`CredDeleteW ${name}`);
        if (this.failWith !== undefined) return this.#fail(this.failWith);
        return this.#stored.delete(name.toLowerCase()) ? 1 : this.#fail(ERROR_NOT_FOUND);
      },
      CredEnumerateW: (
        _filter: BufferSource | null,
        _flags: number,
        count: BufferSource | null,
        out: BufferSource | null,
      ) => {
        this.calls.push("CredEnumerateW");
        if (this.sessionPersist === CRED_PERSIST_NONE) return this.#fail(1312);
        if (this.#stored.size === 0) return this.#fail(ERROR_NOT_FOUND);
        const entries = [...this.#stored.values()];
        const array = new BigUint64Array(entries.map((entry) => addressOf(entry.struct)));
        (count as Uint32Array)[0] = entries.length;
        (out as BigUint64Array)[0] = this.#handOut(array);
        return 1;
      },
      CredGetSessionTypes: (length: number, persists: BufferSource | null) => {
        const array = persists as Uint32Array;
        array.fill(CRED_PERSIST_NONE);
        if (length > CRED_TYPE_GENERIC) array[CRED_TYPE_GENERIC] = this.sessionPersist;
        return 1;
      },
      CredFree: (pointer: Deno.PointerValue) => {
        this.#handedOut.delete(BigInt(Deno.UnsafePointer.value(pointer)));
      },
      GetLastError: () => this.lostLastError ?? this.#lastError,
    };
    return symbols as unknown as CredentialSymbols;
  }
}
