import assert from "node:assert/strict";
import type { SpawnResult } from "../context.ts";
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
  const { spawn } = fakeSpawn([result(51, "", "security: User interaction is not allowed.\n")]);
  await assert.rejects(
    () => new MacosSecurityStore({ spawn }).get("Anaconda Cloud", "a.test"),
    /The macOS keychain could not read the secret: User interaction is not allowed\./,
  );
});

Deno.test("security delete: delete-generic-password; exit 44 is not found", async () => {
  const { spawn, calls } = fakeSpawn([result(0), result(44)]);
  const store = new MacosSecurityStore({ spawn });
  assert.equal(await store.delete("Anaconda Cloud", "a.test"), true);
  assert.equal(await store.delete("Anaconda Cloud", "a.test"), false);
  assert.deepEqual(calls[0]?.args, [
    "delete-generic-password",
    "-s",
    "Anaconda Cloud",
    "-a",
    "a.test",
  ]);
});

Deno.test("security missing: the store is unavailable", async () => {
  const { spawn } = fakeSpawn([new Deno.errors.NotFound("no security")]);
  await assert.rejects(
    () => new MacosSecurityStore({ spawn }).get("Anaconda Cloud", "a.test"),
    StoreUnavailableError,
  );
});
