import assert from "node:assert/strict";
import { type SpawnResult, SpawnTimeoutError } from "../context.ts";
import { StoreError } from "../errors.ts";
import { StoreUnavailableError } from "./secret_store.ts";
import { SecretToolStore } from "./secret_tool.ts";
import { fakeSpawn } from "../../tests/fake_spawn.ts";

const ok = (stdout = "", stderr = ""): SpawnResult => ({ code: 0, stdout, stderr });
const exit1 = (stderr = ""): SpawnResult => ({ code: 1, stdout: "", stderr });
const ATTRS = ["service", "Anaconda Cloud", "username", "a.test"];

Deno.test("secret-tool get: lookup with the Python keyring attributes, value as printed", async () => {
  const { spawn, calls } = fakeSpawn([ok("c2VjcmV0")]);
  const store = new SecretToolStore({ spawn });
  assert.equal(await store.get("Anaconda Cloud", "a.test"), "c2VjcmV0");
  assert.deepEqual(calls.map((call) => [call.program, ...call.args]), [[
    "secret-tool",
    "lookup",
    ...ATTRS,
  ]]);
  assert.equal(calls[0]?.options.stdin, undefined);
  assert.ok(calls[0]!.options.timeoutMs > 0);
});

Deno.test("secret-tool get: exit 1 without a message, no pending item and nothing locked is not found", async () => {
  const { spawn, calls } = fakeSpawn([exit1(), ok(""), ok("")]);
  assert.equal(await new SecretToolStore({ spawn }).get("Anaconda Cloud", "a.test"), null);
  assert.deepEqual(calls[2]?.args, ["search", ...ATTRS]);
});

Deno.test("secret-tool get: a locked collection is told apart from not found", async () => {
  const { spawn } = fakeSpawn([
    exit1(),
    ok(""),
    {
      code: 0,
      stdout: "[/1]\nlabel = x\n",
      stderr: "secret-tool: Cannot get secret of a locked object\n",
    },
  ]);
  await assert.rejects(
    () => new SecretToolStore({ spawn }).get("Anaconda Cloud", "a.test"),
    (err: unknown) => {
      assert.ok(err instanceof StoreError && !(err instanceof StoreUnavailableError));
      assert.match(err.message, /^The system keyring \(Secret Service\) is locked: unlock/);
      return true;
    },
  );
});

Deno.test("secret-tool missing: the store is unavailable (the caller falls back)", async () => {
  const { spawn } = fakeSpawn([new Deno.errors.NotFound("spawn secret-tool")]);
  await assert.rejects(
    () => new SecretToolStore({ spawn }).get("Anaconda Cloud", "a.test"),
    (err: unknown) => {
      assert.ok(err instanceof StoreUnavailableError);
      assert.match(err.message, /secret-tool is not installed/);
      return true;
    },
  );
});

Deno.test("no D-Bus: the store is unavailable with secret-tool's reason", async () => {
  const { spawn } = fakeSpawn([
    exit1("secret-tool: Cannot autolaunch D-Bus without X11 $DISPLAY\n"),
  ]);
  await assert.rejects(
    () => new SecretToolStore({ spawn }).get("Anaconda Cloud", "a.test"),
    (err: unknown) => {
      assert.ok(err instanceof StoreUnavailableError);
      assert.equal(
        err.message,
        "the system keyring (Secret Service) is not available: Cannot autolaunch D-Bus without X11 $DISPLAY",
      );
      return true;
    },
  );
});

Deno.test("a secret-tool that hangs is killed and reported, never waited for", async () => {
  const { spawn } = fakeSpawn([new SpawnTimeoutError("secret-tool did not finish")]);
  await assert.rejects(
    () => new SecretToolStore({ spawn }, { timeoutMs: 1000 }).get("Anaconda Cloud", "a.test"),
    /did not answer within 1 s/,
  );
});

const LIVE = [
  "xdg:schema",
  "org.freedesktop.Secret.Generic",
  ...ATTRS,
  "application",
  "Python keyring library",
];
const PENDING = [
  "xdg:schema",
  "org.freedesktop.Secret.Generic",
  "pending-service",
  "Anaconda Cloud",
  "pending-username",
  "a.test",
];
const LABEL = "--label=Password for 'a.test' on 'Anaconda Cloud'";

/** `secret-tool search --all`: items on stdout, their attributes on stderr. */
function searchOutput(items: Array<{ secret: string; pending?: string }>): SpawnResult {
  return ok(
    items.map(({ secret }, n) =>
      `[/${n}]\nlabel = x\nsecret = ${secret}\ncreated = 2026-01-01 00:00:00\n` +
      "modified = 2026-01-01 00:00:00\nschema = org.freedesktop.Secret.Generic\n"
    ).join(""),
    items.map(({ pending }) => pending === undefined ? "" : `attribute.pending = ${pending}\n`)
      .join(""),
  );
}

Deno.test("secret-tool get: an empty live item (a killed save) is skipped for a whole one", async () => {
  const { spawn, calls } = fakeSpawn([
    ok(""),
    searchOutput([{ secret: "" }, { secret: "line 1\nline 2" }]),
  ]);
  assert.equal(
    await new SecretToolStore({ spawn }).get("Anaconda Cloud", "a.test"),
    "line 1\nline 2",
  );
  assert.deepEqual(calls.map((call) => call.args), [
    ["lookup", ...ATTRS],
    ["search", "--all", ...ATTRS],
  ]);
});

Deno.test("secret-tool get: without a live item, the newest non-empty pending item of a killed save", async () => {
  const older = "0001796705362000-0a0b0c0d";
  const newer = "0001796705362001-01020304";
  const newest = "0001796705362002-aabbccdd";
  const { spawn, calls } = fakeSpawn([
    exit1(),
    searchOutput([
      { secret: "older", pending: older },
      { secret: "", pending: newest },
      { secret: "0ld", pending: "aa" },
      { secret: "new", pending: newer },
    ]),
    ok(""),
    ok("new"),
  ]);
  assert.equal(await new SecretToolStore({ spawn }).get("Anaconda Cloud", "a.test"), "new");
  assert.deepEqual(calls.map((call) => call.args), [
    ["lookup", ...ATTRS],
    ["search", "--all", ...PENDING],
    ["lookup", ...PENDING, "pending", newest],
    ["lookup", ...PENDING, "pending", newer],
  ]);
});

Deno.test("secret-tool get: pending ids of an older version (no sequence) come after sequenced ones", async () => {
  const { spawn, calls } = fakeSpawn([
    exit1(),
    searchOutput([{ secret: "x", pending: "aa" }, { secret: "y", pending: "bb" }]),
    ok(""),
    ok("y"),
  ]);
  assert.equal(await new SecretToolStore({ spawn }).get("Anaconda Cloud", "a.test"), "y");
  assert.deepEqual(calls.slice(2).map((call) => call.args.at(-1)), ["aa", "bb"]);
});

Deno.test("secret-tool get: only empty items read as no secret", async () => {
  const { spawn } = fakeSpawn([
    ok(""),
    searchOutput([{ secret: "" }]),
    searchOutput([{ secret: "", pending: "aa" }]),
    ok(""),
  ]);
  assert.equal(await new SecretToolStore({ spawn }).get("Anaconda Cloud", "a.test"), null);
});

/** The runs of a save that finds nothing stale: see `set`. */
function saveAnswers(secret: string, stale: string[] = []): SpawnResult[] {
  return [
    { ...searchOutput([]), stderr: stale.map((id) => `attribute.pending = ${id}\n`).join("") },
    ok(),
    ok(secret),
    ...stale.map(() => ok()),
    ok(),
    ok(),
    ok(secret),
    ok(),
  ];
}

Deno.test("secret-tool set: pending item, read back, live items cleared, live item stored and read back, pending cleared", async () => {
  const secret = 'c2VjcmV0 "quoted" \\ \n é';
  const { spawn, calls } = fakeSpawn(saveAnswers(secret));
  const store = new SecretToolStore({ spawn });
  assert.equal(
    await store.set("Anaconda Cloud", "a.test", secret),
    "system keyring (Secret Service)",
  );
  const id = calls[1]!.args.at(-1)!;
  assert.match(id, /^\d{16}-[0-9a-f]{8}$/);
  assert.ok(Math.abs(Number(id.slice(0, 16)) - Date.now()) < 60_000, "a clock sequence");
  assert.deepEqual(calls.map((call) => [call.program, ...call.args]), [
    ["secret-tool", "search", "--all", ...PENDING],
    ["secret-tool", "store", `${LABEL} (being saved)`, ...PENDING, "pending", id],
    ["secret-tool", "lookup", ...PENDING, "pending", id],
    ["secret-tool", "clear", ...ATTRS],
    ["secret-tool", "store", LABEL, ...LIVE],
    ["secret-tool", "lookup", ...ATTRS],
    ["secret-tool", "clear", ...PENDING, "pending", id],
  ]);
  assert.deepEqual(calls.map((call) => call.options.stdin), [
    undefined,
    secret,
    undefined,
    undefined,
    secret,
    undefined,
    undefined,
  ]);
  for (const call of calls) {
    assert.ok(!call.args.some((arg) => arg.includes("c2VjcmV0")));
    assert.ok(call.options.timeoutMs > 0);
  }
});

Deno.test("secret-tool set: pending items of killed saves are cleared before the live items", async () => {
  const { spawn, calls } = fakeSpawn(saveAnswers("new", ["0ld"]));
  await new SecretToolStore({ spawn }).set("Anaconda Cloud", "a.test", "new");
  assert.deepEqual(calls.slice(3, 5).map((call) => call.args), [
    ["clear", ...PENDING, "pending", "0ld"],
    ["clear", ...ATTRS],
  ]);
});

Deno.test("secret-tool set: the new pending item is newer than every leftover, even one from a clock ahead", async () => {
  const ahead = `${String(Date.now() + 3_600_000).padStart(16, "0")}-00000000`;
  const { spawn, calls } = fakeSpawn(saveAnswers("new", [ahead]));
  await new SecretToolStore({ spawn }).set("Anaconda Cloud", "a.test", "new");
  const id = calls[1]!.args.at(-1)!;
  assert.equal(Number(id.slice(0, 16)), Number(ahead.slice(0, 16)) + 1);
});

Deno.test("secret-tool set: a pending item that does not read back whole is cleared, the live items left alone", async () => {
  const { spawn, calls } = fakeSpawn([searchOutput([]), ok(), ok("ne"), ok()]);
  await assert.rejects(
    () => new SecretToolStore({ spawn }).set("Anaconda Cloud", "a.test", "new"),
    /did not keep the secret/,
  );
  assert.deepEqual(calls.map((call) => call.args[0]), ["search", "store", "lookup", "clear"]);
  assert.deepEqual(calls[3]?.args, ["clear", ...PENDING, "pending", calls[1]!.args.at(-1)!]);
});

Deno.test("secret-tool set: a secret longer than secret-tool reads goes elsewhere (per secret)", async () => {
  const { spawn, calls } = fakeSpawn([]);
  await assert.rejects(
    () => new SecretToolStore({ spawn }).set("Anaconda Cloud", "a.test", "x".repeat(8192)),
    (err: unknown) => err instanceof StoreUnavailableError && err.perSecret,
  );
  assert.equal(calls.length, 0);
});

Deno.test("secret-tool set into a locked collection is a clear error", async () => {
  const { spawn } = fakeSpawn([
    searchOutput([]),
    exit1("secret-tool: Cannot create an item in a locked collection\n"),
  ]);
  await assert.rejects(
    () => new SecretToolStore({ spawn }).set("Anaconda Cloud", "a.test", "x"),
    /is locked/,
  );
});

Deno.test("secret-tool set: a lock folder that cannot be made does not stop the save", async () => {
  const file = await Deno.makeTempFile();
  try {
    const { spawn, calls } = fakeSpawn(saveAnswers("v"));
    await new SecretToolStore({ spawn }, { lockPath: `${file}/sub/secret-service.lock` })
      .set("Anaconda Cloud", "a.test", "v");
    assert.equal(calls.length, 7);
  } finally {
    await Deno.remove(file);
  }
});

Deno.test("secret-tool delete: pending items, then live ones; exit 1 for both means not found unless locked", async () => {
  let fake = fakeSpawn([exit1(), ok()]);
  assert.equal(await new SecretToolStore(fake).delete("Anaconda Cloud", "a.test"), true);
  assert.deepEqual(fake.calls.map((call) => call.args), [
    ["clear", ...PENDING],
    ["clear", ...ATTRS],
  ]);
  fake = fakeSpawn([ok(), exit1()]);
  assert.equal(await new SecretToolStore(fake).delete("Anaconda Cloud", "a.test"), true);
  fake = fakeSpawn([exit1(), exit1(), ok()]);
  assert.equal(await new SecretToolStore(fake).delete("Anaconda Cloud", "a.test"), false);
  fake = fakeSpawn([exit1(), exit1(), {
    code: 0,
    stdout: "[/1]\n",
    stderr: "Cannot get secret of a locked object\n",
  }]);
  await assert.rejects(
    () => new SecretToolStore(fake).delete("Anaconda Cloud", "a.test"),
    /is locked/,
  );
});
