import assert from "node:assert/strict";
import type { SpawnResult } from "../context.ts";
import { StoreError } from "../errors.ts";
import { openTokenStore } from "./token_store.ts";
import { credentialApi, openCredentialApi, WindowsCredentialStore } from "./windows_cred.ts";
import { FakeAdvapi32 } from "../../tests/fake_advapi32.ts";
import { fakeContext, type FakeContextOptions } from "../../tests/fake_context.ts";
import { siteConfig } from "../../tests/token_support.ts";
import { withHome } from "../../tests/support.ts";
import { FILE_KEYRING_LABEL } from "../../tests/paths.ts";

function contextFor(home: string, options: FakeContextOptions = {}) {
  return fakeContext({ home, ...options });
}

const keyringText = (home: string) => Deno.readTextFile(`${home}/.anaconda/keyring`);
const FILE_LABEL = FILE_KEYRING_LABEL;

Deno.test("anaconda-keyring storage (the default) is the file keyring at keyring_path", async () => {
  await withHome(async (home) => {
    const context = contextFor(home);
    const store = await openTokenStore(context, siteConfig(home));
    assert.equal(store.label, FILE_LABEL);
    assert.equal(
      await store.set("Anaconda Cloud", "a.test", "v"),
      FILE_LABEL,
    );
    assert.equal(await keyringText(home), '{"Anaconda Cloud": {"a.test": "v"}}');
    // One instance per run (the context's runCache) and choice; another run gets its own.
    assert.equal(await openTokenStore(context, siteConfig(home)), store);
    assert.notEqual(await openTokenStore(contextFor(home), siteConfig(home)), store);
    const system = siteConfig(home, { preferred_token_storage: "system" });
    assert.notEqual(await openTokenStore(context, system), store);
  });
});

Deno.test("system storage without secret-tool falls back to the file keyring with one warning", async () => {
  await withHome(async (home) => {
    let spawns = 0;
    const context = contextFor(home, {
      os: "linux",
      spawn: () => {
        spawns++;
        return Promise.reject(new Deno.errors.NotFound("secret-tool"));
      },
    });
    const config = siteConfig(home, { preferred_token_storage: "system" });
    const store = await openTokenStore(context, config);
    assert.equal(store.label, "system keyring (Secret Service)");
    assert.equal(await store.get("Anaconda Cloud", "a.test"), null);
    assert.equal(
      await store.set("Anaconda Cloud", "a.test", "v"),
      FILE_LABEL,
    );
    assert.equal(await store.get("Anaconda Cloud", "a.test"), "v");
    assert.equal(await store.delete("Anaconda Cloud", "a.test"), true);
    assert.equal(store.label, FILE_LABEL);
    assert.equal(spawns, 1, "the OS keyring is not asked again");
    assert.equal(
      context.err(),
      "Warning: the system keyring (Secret Service) cannot be used: secret-tool is not installed " +
        `(package libsecret-tools); using the ${FILE_LABEL} instead\n`,
    );
  });
});

Deno.test("system storage reads the OS keyring first, then the file keyring", async () => {
  await withHome(async (home) => {
    await Deno.mkdir(`${home}/.anaconda`);
    await Deno.writeTextFile(
      `${home}/.anaconda/keyring`,
      '{"Anaconda Cloud": {"f.test": "from-file"}}',
    );
    const answers: Record<string, SpawnResult> = {
      "s.test": { code: 0, stdout: "from-system", stderr: "" },
      "f.test": { code: 1, stdout: "", stderr: "" },
    };
    const context = contextFor(home, {
      spawn: (_program, args) => {
        const account = args[args.indexOf("username") + 1] ?? "";
        if (args[0] === "search") return Promise.resolve({ code: 0, stdout: "", stderr: "" });
        return Promise.resolve(answers[account] ?? { code: 1, stdout: "", stderr: "" });
      },
    });
    const store = await openTokenStore(
      context,
      siteConfig(home, { preferred_token_storage: "system" }),
    );
    assert.equal(await store.get("Anaconda Cloud", "s.test"), "from-system");
    assert.equal(await store.get("Anaconda Cloud", "f.test"), "from-file");
    assert.equal(context.err(), "");
  });
});

Deno.test("a locked OS keyring is an error, not a silent fallback", async () => {
  await withHome(async (home) => {
    const context = contextFor(home, {
      spawn: (_program, args) =>
        Promise.resolve(
          args[0] === "search"
            ? {
              code: 0,
              stdout: "[/1]\n",
              stderr: "secret-tool: Cannot get secret of a locked object\n",
            }
            : { code: 1, stdout: "", stderr: "" },
        ),
    });
    const store = await openTokenStore(
      context,
      siteConfig(home, { preferred_token_storage: "system" }),
    );
    await assert.rejects(() => store.get("Anaconda Cloud", "a.test"), (err: unknown) => {
      assert.ok(err instanceof StoreError);
      assert.match(err.message, /is locked/);
      return true;
    });
  });
});

Deno.test("macOS: a secret too large for `security -i` goes to the file keyring, with a warning each time", async () => {
  await withHome(async (home) => {
    const calls: string[][] = [];
    const context = contextFor(home, {
      os: "darwin",
      spawn: (program, args) => {
        calls.push([program, ...args]);
        return Promise.resolve({ code: 44, stdout: "", stderr: "" });
      },
    });
    const store = await openTokenStore(
      context,
      siteConfig(home, { preferred_token_storage: "system" }),
    );
    assert.equal(store.label, "macOS keychain");
    const big = "x".repeat(5000);
    assert.equal(
      await store.set("Anaconda Cloud", "a.test", big),
      FILE_LABEL,
    );
    // `security -i` is not run for a line it would cut; an older keychain item is removed.
    assert.deepEqual(calls, [[
      "/usr/bin/security",
      "delete-generic-password",
      "-s",
      "Anaconda Cloud",
      "-a",
      "a.test",
    ]]);
    assert.equal(await store.get("Anaconda Cloud", "a.test"), big);
    assert.deepEqual(calls[1], [
      "/usr/bin/security",
      "find-generic-password",
      "-s",
      "Anaconda Cloud",
      "-a",
      "a.test",
      "-w",
    ]);
    assert.match(
      context.err(),
      /^Warning: the secret is too large for the macOS keychain .*; using the file keyring ~[\\/].anaconda[\\/]keyring instead\n$/,
    );
    // The keychain stays in use for other secrets.
    assert.equal(store.label, "macOS keychain");
  });
});

Deno.test("Windows without --allow-ffi: the file keyring, and each write warns of a stale key", async () => {
  await withHome(async (home) => {
    const context = contextFor(home, { os: "windows" });
    // The real Credential Manager code, with FFI refused as Deno refuses it (never the
    // developer's real store).
    const noFfi = (() => {
      throw new Deno.errors.NotCapable("Requires ffi access");
    }) as typeof Deno.dlopen;
    const store = await openTokenStore(
      context,
      siteConfig(home, { preferred_token_storage: "system" }),
      {
        windows: () =>
          Promise.resolve(
            new WindowsCredentialStore(() => openCredentialApi(noFfi)),
          ),
      },
    );
    assert.equal(store.label, "Windows Credential Manager");
    assert.equal(await store.get("Anaconda Cloud", "a.test"), null);
    assert.equal(await store.set("Anaconda Cloud", "a.test", "v"), FILE_LABEL);
    assert.equal(await store.get("Anaconda Cloud", "a.test"), "v");
    await store.set("Anaconda Cloud", "a.test", "w");
    const stale = "Warning: a key stored earlier in the Windows Credential Manager stays there, " +
      "and the Python tool reads it before this one: run with --allow-ffi to replace it\n";
    assert.equal(
      context.err(),
      "Warning: the Windows Credential Manager cannot be used: run with --allow-ffi to use it; " +
        `using the ${FILE_LABEL} instead\n${stale}${stale}`,
    );
  });
});

Deno.test("Windows in an SSH session (error 1312): the file keyring, with one notice", async () => {
  await withHome(async (home) => {
    const context = contextFor(home, { os: "windows" });
    const advapi = new FakeAdvapi32();
    advapi.failWith = 1312;
    const store = await openTokenStore(
      context,
      siteConfig(home, { preferred_token_storage: "system" }),
      {
        windows: () =>
          Promise.resolve(
            new WindowsCredentialStore(() => Promise.resolve(credentialApi(advapi.symbols()))),
          ),
      },
    );
    assert.equal(await store.get("Anaconda Cloud", "a.test"), null);
    assert.equal(await store.set("Anaconda Cloud", "a.test", "v"), FILE_LABEL);
    assert.equal(await store.get("Anaconda Cloud", "a.test"), "v");
    assert.equal(await keyringText(home), '{"Anaconda Cloud": {"a.test": "v"}}');
    assert.equal(
      context.err(),
      "Warning: the Windows Credential Manager cannot be used: this logon session has no " +
        "credential store (error 1312: an SSH or network logon); " +
        `using the ${FILE_LABEL} instead\n`,
    );
  });
});

Deno.test("a secret too large for the OS keyring replaces an older one there (no stale read)", async () => {
  await withHome(async (home) => {
    // A keychain that holds an older, smaller secret of the same account.
    let stored: string | null = "old-small-secret";
    const calls: string[] = [];
    const context = contextFor(home, {
      os: "darwin",
      spawn: (_program, args) => {
        calls.push(args[0] ?? "");
        if (args[0] === "find-generic-password") {
          return Promise.resolve(
            stored === null
              ? { code: 44, stdout: "", stderr: "" }
              : { code: 0, stdout: `${stored}\n`, stderr: "" },
          );
        }
        if (args[0] === "delete-generic-password") {
          const found = stored !== null;
          stored = null;
          return Promise.resolve({ code: found ? 0 : 44, stdout: "", stderr: "" });
        }
        return Promise.reject(new Error(`unexpected security ${args.join(" ")}`));
      },
    });
    const store = await openTokenStore(
      context,
      siteConfig(home, { preferred_token_storage: "system" }),
    );
    const big = "x".repeat(5000);
    assert.equal(
      await store.set("Anaconda Cloud", "a.test", big),
      FILE_LABEL,
    );
    assert.equal(await store.get("Anaconda Cloud", "a.test"), big);
    // Deleting goes on until the keychain says there is no such item left.
    assert.deepEqual(calls, [
      "delete-generic-password",
      "delete-generic-password",
      "find-generic-password",
    ]);
  });
});
