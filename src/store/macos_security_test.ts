import assert from "node:assert/strict";
import { type SpawnResult, SpawnTimeoutError } from "../context.ts";
import { StoreError } from "../errors.ts";
import { StoreUnavailableError } from "./secret_store.ts";
import {
  addPasswordLine,
  decodePasswordOutput,
  MacosSecurityStore,
  MAX_LINE_BYTES,
  quoteArgument,
} from "./macos_security.ts";
import { fakeSpawn } from "../../tests/fake_spawn.ts";

const result = (code: number, stdout = "", stderr = ""): SpawnResult => ({ code, stdout, stderr });

Deno.test("security: values are double-quoted with backslash and quote escaped", () => {
  assert.equal(quoteArgument('a"b\\c d'), '"a\\"b\\\\c d"');
  assert.equal(
    addPasswordLine("Anaconda Cloud", "anaconda.com", 'se"cr\\et é'),
    'add-generic-password -U -s "Anaconda Cloud" -a "anaconda.com" -w "se\\"cr\\\\et é"\n',
  );
});

Deno.test("security: a value with a line break or a line over 4095 bytes is refused", () => {
  assert.throws(() => addPasswordLine("s", "a", "two\nlines"), StoreUnavailableError);
  const prefix = 'add-generic-password -U -s "s" -a "a" -w ""';
  const fits = "x".repeat(MAX_LINE_BYTES - prefix.length);
  assert.equal(addPasswordLine("s", "a", fits).length, MAX_LINE_BYTES + 1);
  assert.throws(() => addPasswordLine("s", "a", `${fits}x`), (err: unknown) => {
    assert.ok(err instanceof StoreUnavailableError && err.perSecret);
    return true;
  });
  // Bytes count, not characters: "é" is 2 bytes in UTF-8.
  assert.throws(() => addPasswordLine("s", "a", `${fits.slice(1)}é`), StoreUnavailableError);
});

Deno.test("security: printed values are used as they are, hex output is decoded", () => {
  assert.equal(decodePasswordOutput("eyJkb21haW4iOiJhIn0=\n"), "eyJkb21haW4iOiJhIn0=");
  assert.equal(decodePasswordOutput("plain"), "plain");
  // "é\n" and "line1\nline2" are printed as hex because of non-printable bytes.
  assert.equal(decodePasswordOutput("c3a90a\n"), "é\n");
  assert.equal(decodePasswordOutput("6c696e65310a6c696e6532\n"), "line1\nline2");
  // Hex digits that decode to printable text were printed as they are.
  assert.equal(decodePasswordOutput("41424344\n"), "41424344");
  assert.equal(decodePasswordOutput("deadbee\n"), "deadbee");
});

Deno.test("security set: `security -i` with the command on stdin, nothing secret in argv", async () => {
  const { spawn, calls } = fakeSpawn([result(0)]);
  const store = new MacosSecurityStore({ spawn });
  assert.equal(await store.set("Anaconda Cloud", "anaconda.com", "c2VjcmV0"), "macOS keychain");
  assert.equal(calls.length, 1);
  assert.equal(calls[0]?.program, "/usr/bin/security");
  assert.deepEqual(calls[0]?.args, ["-i"]);
  assert.equal(
    calls[0]?.options.stdin,
    'add-generic-password -U -s "Anaconda Cloud" -a "anaconda.com" -w "c2VjcmV0"\n',
  );
});

Deno.test("security set: an error on stderr fails without echoing the secret", async () => {
  const { spawn } = fakeSpawn([result(0, "", 'security: error in "c2VjcmV0": denied\n')]);
  await assert.rejects(
    () => new MacosSecurityStore({ spawn }).set("Anaconda Cloud", "a.test", "c2VjcmV0"),
    (err: unknown) => {
      assert.ok(err instanceof StoreError);
      assert.ok(!err.message.includes("c2VjcmV0"), err.message);
      assert.match(err.message, /could not store the secret: error in "<secret>": denied/);
      return true;
    },
  );
});

Deno.test("security get: find-generic-password -w; exit 44 is not found", async () => {
  const { spawn, calls } = fakeSpawn([
    result(0, "c2VjcmV0\n"),
    result(
      44,
      "",
      "security: SecKeychainSearchCopyNext: The specified item could not be found in the keychain.\n",
    ),
  ]);
  const store = new MacosSecurityStore({ spawn });
  assert.equal(await store.get("Anaconda Cloud", "anaconda.com"), "c2VjcmV0");
  assert.equal(await store.get("Anaconda Cloud", "other.test"), null);
  assert.deepEqual(calls[0]?.args, [
    "find-generic-password",
    "-s",
    "Anaconda Cloud",
    "-a",
    "anaconda.com",
    "-w",
  ]);
  assert.equal(calls[0]?.options.stdin, undefined);
});

Deno.test("security get: another failure is a StoreError with security's message", async () => {
  const { spawn } = fakeSpawn([result(51, "", "security: SecKeychainSearchCopyNext: boom.\n")]);
  await assert.rejects(
    () => new MacosSecurityStore({ spawn }).get("Anaconda Cloud", "a.test"),
    /The macOS keychain could not read the secret: SecKeychainSearchCopyNext: boom\./,
  );
});

Deno.test("security: 'User interaction is not allowed' (SSH) is a message that names the fixes", async () => {
  const stderr = "security: SecKeychainItemCopyContent: User interaction is not allowed.\n";
  for (const failure of [result(36, "", stderr), result(36), result(1, "", stderr)]) {
    const { spawn } = fakeSpawn([failure, failure, failure]);
    const store = new MacosSecurityStore({ spawn });
    for (
      const [action, run] of [
        ["read the secret", () => store.get("Anaconda Cloud", "a.test")],
        ["store the secret", () => store.set("Anaconda Cloud", "a.test", "c2VjcmV0")],
        ["delete the secret", () => store.delete("Anaconda Cloud", "a.test")],
      ] as const
    ) {
      await assert.rejects(run, (err: unknown) => {
        assert.ok(err instanceof StoreError && !(err instanceof StoreUnavailableError));
        assert.equal(
          err.message,
          `The macOS keychain could not ${action}: it needs to ask for permission, and cannot ` +
            "in this session (User interaction is not allowed: no desktop, e.g. over SSH). " +
            "Unlock it here with `security unlock-keychain`, or allow the access once from a " +
            'desktop session ("Always Allow"), or set preferred_token_storage = "anaconda-keyring"',
        );
        return true;
      });
    }
  }
});

Deno.test("security: 120 s for `security`, which may be showing the keychain's access dialog", async () => {
  const { spawn, calls } = fakeSpawn([result(0, "v\n"), result(0), result(44)]);
  const store = new MacosSecurityStore({ spawn });
  await store.get("Anaconda Cloud", "a.test");
  await store.set("Anaconda Cloud", "a.test", "v");
  await store.delete("Anaconda Cloud", "a.test");
  assert.deepEqual(calls.map((call) => call.options.timeoutMs), [120_000, 120_000, 120_000]);
  const timedOut = new MacosSecurityStore({
    spawn: () => Promise.reject(new SpawnTimeoutError("security did not finish")),
  });
  await assert.rejects(() => timedOut.get("Anaconda Cloud", "a.test"), (err: unknown) => {
    assert.ok(err instanceof StoreError);
    assert.equal(
      err.message,
      "The macOS keychain did not answer within 120 s (is it waiting for its access dialog, " +
        'which "Always Allow" answers for good?)',
    );
    return true;
  });
});

Deno.test("security: a NUL in a value is refused before `security -i` reads it", () => {
  for (
    const [service, account, secret] of [["s\0", "a", "v"], ["s", "a\0b", "v"], ["s", "a", "v\0w"]]
  ) {
    assert.throws(() => addPasswordLine(service!, account!, secret!), (err: unknown) => {
      assert.ok(err instanceof StoreUnavailableError && err.perSecret);
      assert.equal(
        err.message,
        "the macOS keychain cannot store a value with a line break or a NUL character",
      );
      return true;
    });
  }
});

Deno.test("security delete: every matching item is deleted (one per run, until exit 44)", async () => {
  const { spawn, calls } = fakeSpawn([result(0), result(0), result(44), result(44)]);
  const store = new MacosSecurityStore({ spawn });
  assert.equal(await store.delete("Anaconda Cloud", "a.test"), true);
  assert.equal(calls.length, 3);
  assert.equal(await store.delete("Anaconda Cloud", "a.test"), false);
  assert.equal(calls.length, 4);
  for (const call of calls) {
    assert.deepEqual(call.args, [
      "delete-generic-password",
      "-s",
      "Anaconda Cloud",
      "-a",
      "a.test",
    ]);
  }
});

Deno.test("security delete: a keychain that never runs out of items is an error, not a loop", async () => {
  const { spawn, calls } = fakeSpawn(Array.from({ length: 100 }, () => result(0)));
  await assert.rejects(
    () => new MacosSecurityStore({ spawn }).delete("Anaconda Cloud", "a.test"),
    /still holds items of a\.test after 100 were deleted/,
  );
  assert.equal(calls.length, 100);
});

Deno.test("security missing: the store is unavailable", async () => {
  const { spawn } = fakeSpawn([new Deno.errors.NotFound("no security")]);
  await assert.rejects(
    () => new MacosSecurityStore({ spawn }).get("Anaconda Cloud", "a.test"),
    StoreUnavailableError,
  );
});
