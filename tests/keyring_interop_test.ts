/**
 * Interop with Python `keyring` on the OS keyrings that cannot run here: the Windows
 * Credential Manager and the macOS keychain. CI's macOS and Windows jobs install keyring
 * with pip and set ANACONDA_TEST_PYTHON_KEYRING to that Python; elsewhere these are
 * skipped. Each run uses a service name of its own, never `Anaconda Cloud`, and removes
 * what it wrote. Python's side is tests/fixtures/keyring_peer.py.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { denoContext } from "../src/context.ts";
import { type SecretStore, StoreUnavailableError } from "../src/store/secret_store.ts";
import { MacosSecurityStore } from "../src/store/macos_security.ts";
import { openCredentialApi, WindowsCredentialStore } from "../src/store/windows_cred.ts";
import { decodeTokenInfo, encodeTokenInfo, type TokenInfo } from "../src/token/token_info.ts";
import { runProgram } from "./support.ts";
import { makeJwt } from "./token_support.ts";

const PYTHON = Deno.env.get("ANACONDA_TEST_PYTHON_KEYRING");
const PEER = fileURLToPath(new URL("./fixtures/keyring_peer.py", import.meta.url));
const os = Deno.build.os;
const ignore = PYTHON === undefined || (os !== "windows" && os !== "darwin");

function openStore(): SecretStore {
  return os === "windows"
    ? new WindowsCredentialStore(openCredentialApi)
    : new MacosSecurityStore(denoContext());
}

async function python(args: string[], stdin: string) {
  return await runProgram(PYTHON!, [PEER, ...args], {
    env: Deno.env.toObject(),
    stdin,
    timeoutMs: 300_000,
  });
}

async function pythonSet(service: string, account: string, secret: string): Promise<void> {
  const result = await python(["set", service, account], secret);
  assert.equal(result.code, 0, result.stderr);
}

async function pythonGet(service: string, accounts: string[]): Promise<(string | null)[]> {
  const result = await python(["get", service], accounts.join("\n"));
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout);
}

/**
 * On macOS, an item made beforehand that any program may read: the keychain would
 * otherwise show its access dialog when one tool reads the other's item, and nobody can
 * answer it on a CI runner (the README tells users about it). Both tools update an
 * existing item in place, so the item keeps this access list. (No secret on argv.)
 */
async function shareItem(service: string, account: string): Promise<void> {
  if (os !== "darwin") return;
  const result = await runProgram("/usr/bin/security", [
    "add-generic-password",
    "-A",
    "-U",
    "-s",
    service,
    "-a",
    account,
    "-w",
    "placeholder",
  ], { env: Deno.env.toObject() });
  assert.equal(result.code, 0, result.stderr);
}

/** Runs `body` with a service of its own; deletes `accounts` from it afterwards. */
async function withService(
  accounts: string[],
  body: (service: string, store: SecretStore) => Promise<void>,
): Promise<void> {
  const service = `anaconda-auth-test-${crypto.randomUUID()}`;
  const store = openStore();
  try {
    for (const account of accounts) await shareItem(service, account);
    await body(service, store);
  } finally {
    for (const account of accounts) await store.delete(service, account).catch(() => false);
  }
}

/** A record as large as real ones: an RS256 API key and a few repo tokens. */
function realisticRecord(domain: string): TokenInfo {
  const signature = "s".repeat(342); // a 2048-bit RS256 signature in base64url
  const apiKey = makeJwt({
    exp: 1_900_000_000,
    iat: 1_700_000_000,
    sub: "7f0c5d1e-1b2a-4c3d-9e8f-0a1b2c3d4e5f",
    ver: 2,
    scopes: ["cloud:read", "cloud:write", "repo:read"],
    name: "anaconda-auth",
  }).replace(/[^.]+$/, signature);
  return {
    domain,
    api_key: apiKey,
    username: "jane.doe@example.com",
    repo_tokens: [
      { org_name: "acme", token: "ac-0123456789abcdef0123456789abcdef01234567" },
      { org_name: "acme-research", token: "ar-89abcdef0123456789abcdef0123456789abcdef" },
      { org_name: "data-team", token: "dt-fedcba9876543210fedcba9876543210fedcba98" },
    ],
    version: 2,
  };
}

Deno.test({
  name: "interop with Python keyring: 1,000 lookups of missing accounts find nothing, both ways",
  ignore,
  async fn() {
    await withService(["present.test"], async (service, store) => {
      await pythonSet(service, "present.test", "v");
      const missing = Array.from({ length: 1000 }, (_, i) => `missing-${i}.test`);
      for (const account of missing) assert.equal(await store.get(service, account), null);
      assert.deepEqual(await pythonGet(service, missing), missing.map(() => null));
      assert.equal(await store.get(service, "present.test"), "v");
    });
  },
});

Deno.test({
  name: "interop with Python keyring: 2560-byte secrets both ways; 2562 bytes as Python allows",
  ignore,
  async fn() {
    await withService(["a.test", "b.test", "c.test"], async (service, store) => {
      const largest = "k".repeat(1280); // 2560 bytes in UTF-16
      await pythonSet(service, "a.test", largest);
      assert.equal(await store.get(service, "a.test"), largest);
      await store.set(service, "b.test", `${largest.slice(1)}b`);
      assert.deepEqual(await pythonGet(service, ["b.test"]), [`${largest.slice(1)}b`]);

      const over = `${largest}x`; // 2562 bytes in UTF-16
      const fromPython = await python(["set", service, "c.test"], over);
      if (os === "windows") {
        // Too large for the Credential Manager: Python fails, this tool refuses first
        // (and falls back to the file keyring).
        assert.notEqual(fromPython.code, 0, "Python keyring stored 2562 bytes");
        await assert.rejects(() => store.set(service, "c.test", over), (err: unknown) => {
          assert.ok(err instanceof StoreUnavailableError && err.perSecret);
          return true;
        });
      } else {
        // The keychain keeps it (UTF-8, one `security -i` line under 4096 bytes).
        assert.equal(fromPython.code, 0, fromPython.stderr);
        assert.equal(await store.get(service, "c.test"), over);
        await store.set(service, "c.test", `${over}y`);
        assert.deepEqual(await pythonGet(service, ["c.test"]), [`${over}y`]);
      }
    });
  },
});

Deno.test({
  name: "interop with Python keyring: a record of realistic size with repo tokens, both ways",
  ignore,
  async fn() {
    await withService(["py.example.com", "deno.example.com"], async (service, store) => {
      const fromPython = encodeTokenInfo(realisticRecord("py.example.com"));
      assert.ok(fromPython.length > 900 && fromPython.length <= 1280, `${fromPython.length}`);
      await pythonSet(service, "py.example.com", fromPython);
      const read = await store.get(service, "py.example.com");
      assert.deepEqual(
        decodeTokenInfo(read!, "py.example.com"),
        realisticRecord("py.example.com"),
      );

      const fromDeno = encodeTokenInfo(realisticRecord("deno.example.com"));
      await store.set(service, "deno.example.com", fromDeno);
      const [value] = await pythonGet(service, ["deno.example.com"]);
      assert.deepEqual(
        decodeTokenInfo(value!, "deno.example.com"),
        realisticRecord("deno.example.com"),
      );
      // Both accounts under one service: Python's read of the first still works.
      assert.deepEqual(await pythonGet(service, ["py.example.com"]), [fromPython]);

      // Deleting on one side is seen on the other.
      assert.equal(await store.delete(service, "py.example.com"), true);
      assert.deepEqual(await pythonGet(service, ["py.example.com"]), [null]);
      const deleted = await python(["delete", service, "deno.example.com"], "");
      assert.equal(deleted.code, 0, deleted.stderr);
      assert.equal(await store.get(service, "deno.example.com"), null);
    });
  },
});
