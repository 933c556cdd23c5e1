import assert from "node:assert/strict";
import { StoreError } from "../errors.ts";
import { StoreUnavailableError } from "./secret_store.ts";
import { FakeAdvapi32 } from "../../tests/fake_advapi32.ts";
import {
  compoundTarget,
  CRED_PERSIST_NONE,
  type Credential,
  CREDENTIAL_LAYOUT,
  type CredentialApi,
  credentialApi,
  decodeBlob,
  decodeCredential,
  encodeCredential,
  encodeUtf16,
  MAX_BLOB_BYTES,
  WindowsCredentialStore,
} from "./windows_cred.ts";

/** Credential Manager in memory, keyed by target, recording the calls. */
class FakeCredentials implements CredentialApi {
  readonly targets = new Map<string, Credential>();
  readonly calls: string[] = [];
  read(target: string): Credential | null {
    this.calls.push(`read ${target}`);
    return this.targets.get(target) ?? null;
  }
  write(target: string, credential: Credential): void {
    this.calls.push(`write ${target} ${credential.userName}`);
    this.targets.set(target, { userName: credential.userName, blob: credential.blob.slice() });
  }
  delete(target: string): boolean {
    this.calls.push(`delete ${target}`);
    return this.targets.delete(target);
  }
}

function storeWith(api: FakeCredentials): WindowsCredentialStore {
  return new WindowsCredentialStore(() => Promise.resolve(api));
}

Deno.test("windows: UTF-16LE blob without terminator, as Python keyring writes it", () => {
  assert.deepEqual([...encodeUtf16("aé😀")], [0x61, 0, 0xe9, 0, 0x3d, 0xd8, 0x00, 0xde]);
  assert.equal(decodeBlob(encodeUtf16('aé😀 "\\\n')), 'aé😀 "\\\n');
});

Deno.test("windows: a blob that is not UTF-16 is read as UTF-8, as Python keyring does", () => {
  // An odd length is not UTF-16.
  assert.equal(decodeBlob(new TextEncoder().encode("é-tokens")), "é-tokens");
  // Bytes 61 dc 80 62 start with 0xDC61, a lone low surrogate: not UTF-16 either.
  assert.equal(decodeBlob(new TextEncoder().encode("a\u0700b")), "a\u0700b");
  // An even-length ASCII blob is valid UTF-16 and reads as such, as in Python.
  assert.equal(decodeBlob(new TextEncoder().encode("ab")), "\u6261");
  // A byte order mark is honoured (Python's "utf-16" codec).
  assert.equal(decodeBlob(new Uint8Array([0xff, 0xfe, 0x61, 0])), "a");
  assert.equal(decodeBlob(new Uint8Array([0xfe, 0xff, 0, 0x61])), "a");
  assert.throws(
    () => decodeBlob(new Uint8Array([0xff, 0xd8, 0xff])),
    /A credential in the Windows Credential Manager is neither UTF-16 nor UTF-8 text/,
  );
});

Deno.test("windows get: a credential another tool wrote in UTF-8 is read", async () => {
  const api = new FakeCredentials();
  api.targets.set("Anaconda Cloud", {
    userName: "anaconda.com",
    blob: new TextEncoder().encode("c2VjcmV0é!"),
  });
  assert.equal(await storeWith(api).get("Anaconda Cloud", "anaconda.com"), "c2VjcmV0é!");
});

Deno.test("windows set/get: target `Anaconda Cloud`, user = domain", async () => {
  const api = new FakeCredentials();
  const store = storeWith(api);
  assert.equal(
    await store.set("Anaconda Cloud", "anaconda.com", "c2VjcmV0"),
    "Windows Credential Manager",
  );
  const stored = api.targets.get("Anaconda Cloud");
  assert.equal(stored?.userName, "anaconda.com");
  assert.equal(decodeBlob(stored!.blob), "c2VjcmV0");
  assert.equal(await store.get("Anaconda Cloud", "anaconda.com"), "c2VjcmV0");
  // The same user again: replaced in place, no compound copy.
  await store.set("Anaconda Cloud", "anaconda.com", "bmV3");
  assert.deepEqual([...api.targets.keys()], ["Anaconda Cloud"]);
  assert.equal(await store.get("Anaconda Cloud", "anaconda.com"), "bmV3");
});

Deno.test("windows: a second domain moves the first one to `<user>@Anaconda Cloud` (Python layout)", async () => {
  const api = new FakeCredentials();
  const store = storeWith(api);
  await store.set("Anaconda Cloud", "anaconda.com", "Zmlyc3Q=");
  await store.set("Anaconda Cloud", "other.test", "c2Vjb25k");
  assert.equal(api.targets.get("Anaconda Cloud")?.userName, "other.test");
  assert.equal(
    api.targets.get(compoundTarget("anaconda.com", "Anaconda Cloud"))?.userName,
    "anaconda.com",
  );
  assert.equal(await store.get("Anaconda Cloud", "anaconda.com"), "Zmlyc3Q=");
  assert.equal(await store.get("Anaconda Cloud", "other.test"), "c2Vjb25k");
  assert.equal(await store.get("Anaconda Cloud", "missing.test"), null);
});

Deno.test("windows delete: removes matching users under both targets only", async () => {
  const api = new FakeCredentials();
  api.targets.set("Anaconda Cloud", { userName: "other.test", blob: encodeUtf16("o") });
  api.targets.set("anaconda.com@Anaconda Cloud", {
    userName: "anaconda.com",
    blob: encodeUtf16("a"),
  });
  const store = storeWith(api);
  assert.equal(await store.delete("Anaconda Cloud", "anaconda.com"), true);
  assert.equal(api.targets.has("Anaconda Cloud"), true);
  assert.equal(api.targets.has("anaconda.com@Anaconda Cloud"), false);
  assert.equal(await store.delete("Anaconda Cloud", "anaconda.com"), false);
});

Deno.test("windows: a token over 2560 bytes is refused before writing, for a file-keyring fallback (D20)", async () => {
  const api = new FakeCredentials();
  const store = storeWith(api);
  await store.set("Anaconda Cloud", "a.test", "x".repeat(MAX_BLOB_BYTES / 2));
  await assert.rejects(
    () => store.set("Anaconda Cloud", "b.test", "x".repeat(MAX_BLOB_BYTES / 2 + 1)),
    (err: unknown) => {
      assert.ok(err instanceof StoreUnavailableError && err.perSecret);
      assert.match(
        err.message,
        /too large for the Windows Credential Manager \(2562 bytes, at most 2560\)/,
      );
      return true;
    },
  );
  assert.deepEqual(api.calls.filter((call) => call.startsWith("write")), [
    "write Anaconda Cloud a.test",
  ]);
});

Deno.test("windows: CREDENTIALW is laid out for 64-bit and read back through pointers", () => {
  const blob = encodeUtf16("c2VjcmV0 é");
  const { struct, keepAlive } = encodeCredential("Anaconda Cloud", {
    userName: "anaconda.com",
    blob,
  });
  assert.equal(struct.length, CREDENTIAL_LAYOUT.size);
  const view = new DataView(struct.buffer);
  assert.equal(view.getUint32(CREDENTIAL_LAYOUT.type, true), 1);
  assert.equal(view.getUint32(CREDENTIAL_LAYOUT.persist, true), 3);
  assert.equal(view.getUint32(CREDENTIAL_LAYOUT.blobSize, true), blob.length);
  assert.equal(view.getBigUint64(CREDENTIAL_LAYOUT.comment, true), 0n);
  const pointer = Deno.UnsafePointer.of(struct);
  assert.ok(pointer !== null);
  const decoded = decodeCredential(pointer);
  assert.equal(decoded.userName, "anaconda.com");
  assert.equal(decodeBlob(decoded.blob), "c2VjcmV0 é");
  const target = new Deno.UnsafePointerView(
    Deno.UnsafePointer.create(view.getBigUint64(CREDENTIAL_LAYOUT.targetName, true))!,
  );
  assert.equal(target.getUint16(0), "A".charCodeAt(0));
  assert.equal(target.getUint16("Anaconda Cloud".length * 2), 0);
  void keepAlive;
});

// ---- the native calls, over advapi32's functions in memory (tests/fake_advapi32.ts) ----

Deno.test("windows native: set, get and delete through CredWriteW/CredReadW/CredDeleteW structs", async () => {
  const advapi = new FakeAdvapi32();
  const store = new WindowsCredentialStore(() => Promise.resolve(credentialApi(advapi.symbols())));
  await store.set("Anaconda Cloud", "anaconda.com", "c2VjcmV0");
  assert.deepEqual(advapi.get("Anaconda Cloud"), {
    userName: "anaconda.com",
    blob: encodeUtf16("c2VjcmV0"),
  });
  assert.equal(await store.get("Anaconda Cloud", "anaconda.com"), "c2VjcmV0");
  assert.equal(await store.delete("Anaconda Cloud", "anaconda.com"), true);
  assert.equal(await store.get("Anaconda Cloud", "anaconda.com"), null);
  assert.deepEqual(advapi.targets(), []);
});

Deno.test("windows native: a lookup whose GetLastError value was lost is still 'not found'", async () => {
  const advapi = new FakeAdvapi32();
  const api = credentialApi(advapi.symbols());
  for (const lost of [0, 5, 87]) {
    advapi.lostLastError = lost;
    // An empty Credential Manager (the enumeration fails too), then one with others.
    assert.equal(api.read("Anaconda Cloud"), null);
    assert.equal(api.delete("Anaconda Cloud"), false);
    advapi.put("git:https://example.test", "u", encodeUtf16("x"));
    assert.equal(api.read("Anaconda Cloud"), null);
    assert.equal(api.read("anaconda.com@Anaconda Cloud"), null);
    assert.equal(api.delete("Anaconda Cloud"), false);
  }
  // The store's first lookups, as in a first login: no StoreError.
  const store = new WindowsCredentialStore(() => Promise.resolve(api));
  assert.equal(await store.get("Anaconda Cloud", "anaconda.com"), null);
});

Deno.test("windows native: a failed read of a credential that exists is an error, whatever the code", () => {
  const advapi = new FakeAdvapi32();
  advapi.put("Anaconda Cloud", "anaconda.com", encodeUtf16("k"));
  advapi.failWith = 5;
  advapi.lostLastError = 0;
  const api = credentialApi(advapi.symbols());
  assert.throws(() => api.read("ANACONDA cloud"), (err: unknown) => {
    assert.ok(err instanceof StoreError && !(err instanceof StoreUnavailableError));
    assert.equal(
      err.message,
      "The Windows Credential Manager could not read a credential (error 0)",
    );
    return true;
  });
  assert.throws(() => api.delete("Anaconda Cloud"), /could not delete a credential \(error 0\)/);
});

Deno.test("windows native: error 1312 (SSH or network logon) makes the store unavailable", () => {
  const message = "the Windows Credential Manager cannot be used: this logon session has no " +
    "credential store (error 1312: an SSH or network logon)";
  const unavailable = (err: unknown) => {
    assert.ok(err instanceof StoreUnavailableError && !err.perSecret);
    assert.equal(err.message, message);
    return true;
  };
  const advapi = new FakeAdvapi32();
  advapi.failWith = 1312;
  const api = credentialApi(advapi.symbols());
  assert.throws(() => api.read("Anaconda Cloud"), unavailable);
  assert.throws(
    () => api.write("Anaconda Cloud", { userName: "a", blob: encodeUtf16("k") }),
    unavailable,
  );
  assert.throws(() => api.delete("Anaconda Cloud"), unavailable);
  // The same when the code was lost: the session reports no credential persistence.
  advapi.lostLastError = 0;
  advapi.sessionPersist = CRED_PERSIST_NONE;
  assert.throws(() => api.read("Anaconda Cloud"), unavailable);
  assert.throws(
    () => api.write("Anaconda Cloud", { userName: "a", blob: encodeUtf16("k") }),
    unavailable,
  );
});

Deno.test("windows native: a failed write in a session with a store is an error with its code", () => {
  const advapi = new FakeAdvapi32();
  advapi.failWith = 1783;
  const api = credentialApi(advapi.symbols());
  assert.throws(
    () => api.write("Anaconda Cloud", { userName: "a", blob: encodeUtf16("k") }),
    /^StoreError: The Windows Credential Manager could not store a credential \(error 1783\)$/,
  );
});
