/**
 * The Windows Credential Manager store against the real advapi32: Wine's in
 * `deno task test:windows` (scripts/wine_test.sh), Windows' on a CI runner. These run
 * only with ANACONDA_TEST_WINDOWS_CREDENTIALS=1 and use a target namespace of their own
 * (`anaconda-auth-test-<uuid>`), removed at the end: never a real `Anaconda Cloud` entry.
 * With ANACONDA_TEST_KEYRING_PEER (scripts/wine/keyring_peer.c, built by the script),
 * credentials are also exchanged with a program that writes them as Python keyring does.
 */
import assert from "node:assert/strict";
import { StoreUnavailableError } from "../src/store/secret_store.ts";
import { runProgram } from "./support.ts";
import {
  compoundTarget,
  credentialApi,
  type CredentialSymbols,
  encodeUtf16,
  MAX_BLOB_BYTES,
  openCredentialSymbols,
  WindowsCredentialStore,
} from "../src/store/windows_cred.ts";

const ignore = Deno.build.os !== "windows" ||
  Deno.env.get("ANACONDA_TEST_WINDOWS_CREDENTIALS") !== "1";
const PEER = Deno.env.get("ANACONDA_TEST_KEYRING_PEER");

/** A service name no real credential has. */
function privateService(): string {
  return `anaconda-auth-test-${crypto.randomUUID()}`;
}

function storeOver(symbols: CredentialSymbols): WindowsCredentialStore {
  return new WindowsCredentialStore(() => Promise.resolve(credentialApi(symbols)));
}

/** Runs `body` with a private service, then removes every target it may have made. */
async function withService(
  accounts: string[],
  body: (service: string, symbols: CredentialSymbols) => Promise<void>,
): Promise<void> {
  const symbols = openCredentialSymbols();
  const service = privateService();
  try {
    await body(service, symbols);
  } finally {
    const api = credentialApi(symbols);
    for (
      const target of [
        service,
        ...accounts.map((account) => compoundTarget(account, service)),
      ]
    ) {
      api.delete(target);
    }
  }
}

function hex(bytes: Uint8Array): string {
  return [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Runs keyring_peer.exe with `stdin`, in this process's environment (Wine's). */
function peer(args: string[], stdin = "") {
  return runProgram(PEER!, args, { env: Deno.env.toObject(), stdin });
}

Deno.test({
  name: "windows (real advapi32): set, get and delete, with a Unicode account",
  ignore,
  async fn() {
    const account = "ünïcödé-😀.test";
    await withService([account], async (service, symbols) => {
      const store = storeOver(symbols);
      const secret = "c2VjcmV0 é 😀";
      assert.equal(await store.set(service, account, secret), "Windows Credential Manager");
      assert.deepEqual(credentialApi(symbols).read(service), {
        userName: account,
        blob: encodeUtf16(secret),
      });
      assert.equal(await store.get(service, account), secret);
      assert.equal(await store.get(service, "other.test"), null);
      assert.equal(await store.delete(service, account), true);
      assert.equal(await store.get(service, account), null);
      assert.equal(await store.delete(service, account), false);
      assert.equal(credentialApi(symbols).read(service), null);
    });
  },
});

Deno.test({
  name: "windows (real advapi32): a second account moves the first to `<account>@<service>`",
  ignore,
  async fn() {
    await withService(["a.test", "b.test"], async (service, symbols) => {
      const store = storeOver(symbols);
      await store.set(service, "a.test", "first");
      await store.set(service, "b.test", "second");
      const api = credentialApi(symbols);
      assert.equal(api.read(service)?.userName, "b.test");
      assert.equal(api.read(compoundTarget("a.test", service))?.userName, "a.test");
      assert.equal(await store.get(service, "a.test"), "first");
      assert.equal(await store.get(service, "b.test"), "second");
      assert.equal(await store.delete(service, "a.test"), true);
      assert.equal(api.read(compoundTarget("a.test", service)), null);
      assert.equal(await store.get(service, "b.test"), "second");
    });
  },
});

Deno.test({
  name: "windows (real advapi32): 2560 bytes fit; 2562 are refused before anything is written",
  ignore,
  async fn() {
    await withService(["a.test", "b.test"], async (service, symbols) => {
      const store = storeOver(symbols);
      const largest = "k".repeat(MAX_BLOB_BYTES / 2);
      await store.set(service, "a.test", largest);
      assert.equal(credentialApi(symbols).read(service)?.blob.length, 2560);
      assert.equal(await store.get(service, "a.test"), largest);
      await assert.rejects(() => store.set(service, "b.test", `${largest}k`), (err: unknown) => {
        assert.ok(err instanceof StoreUnavailableError && err.perSecret);
        assert.match(err.message, /\(2562 bytes, at most 2560\)/);
        return true;
      });
      // Nothing moved or written: a.test still holds the service's target.
      assert.equal(credentialApi(symbols).read(service)?.userName, "a.test");
    });
  },
});

Deno.test({
  name: "windows (real advapi32): 1,000 lookups of missing credentials are all 'not found', " +
    "also when GetLastError's value is lost",
  ignore,
  async fn() {
    await withService([], async (service, symbols) => {
      // One credential of the namespace, so lookups of the others miss beside it.
      await storeOver(symbols).set(service, "present.test", "v");
      const lost = { ...symbols, GetLastError: () => 0 };
      for (const variant of [symbols, lost]) {
        const store = storeOver(variant);
        for (let i = 0; i < 1000; i++) {
          assert.equal(await store.get(service, `missing-${i}.test`), null);
        }
        assert.equal(await store.delete(service, "missing.test"), false);
        assert.equal(await store.get(service, "present.test"), "v");
      }
    });
  },
});

Deno.test({
  name: "windows (real advapi32): credentials written as Python keyring writes them are read, " +
    "and ours are read back by it",
  ignore: ignore || PEER === undefined,
  async fn() {
    await withService(["a.test", "b.test", "utf8.test"], async (service, symbols) => {
      const store = storeOver(symbols);
      // Python keyring's layout of two accounts: the second one set moved the first.
      let result = await peer(["write", service, "b.test"], "from-python é 😀");
      assert.equal(result.code, 0, result.stderr);
      result = await peer(["write", compoundTarget("a.test", service), "a.test"], "older");
      assert.equal(result.code, 0, result.stderr);
      assert.equal(await store.get(service, "b.test"), "from-python é 😀");
      assert.equal(await store.get(service, "a.test"), "older");

      // Ours, read by the peer: UTF-16LE without terminator, UserName = account.
      await store.set(service, "a.test", "from-deno é");
      result = await peer(["read", service]);
      assert.deepEqual(result, {
        code: 0,
        stdout: `a.test\n${hex(encodeUtf16("from-deno é"))}\n`,
        stderr: "",
      });
      result = await peer(["read", compoundTarget("b.test", service)]);
      assert.equal(result.stdout, `b.test\n${hex(encodeUtf16("from-python é 😀"))}\n`);

      // A blob another tool wrote in UTF-8 (odd length, so not UTF-16).
      result = await peer(["write-blob", service, "utf8.test"], "utf8-é-token");
      assert.equal(result.code, 0, result.stderr);
      assert.equal(await store.get(service, "utf8.test"), "utf8-é-token");

      // The largest blob, both ways. (Wine, unlike Windows, stores larger ones too.)
      const largest = "p".repeat(MAX_BLOB_BYTES / 2);
      result = await peer(["write", service, "b.test"], largest);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(await store.get(service, "b.test"), largest);

      // Deleting: the peer no longer finds it.
      assert.equal(await store.delete(service, "b.test"), true);
      result = await peer(["read", service]);
      assert.equal(result.code, 2, result.stderr);
    });
  },
});
