import assert from "node:assert/strict";
import { denoContext, type SpawnResult, SpawnTimeoutError } from "../context.ts";
import { StoreError } from "../errors.ts";
import { StoreUnavailableError } from "./secret_store.ts";
import { SecretToolStore } from "./secret_tool.ts";
import { assertSecretService, SECRET_SERVICE } from "../../tests/secret_service.ts";
import { uniqueDomain } from "../../tests/token_support.ts";
import { fakeSpawn } from "../../tests/fake_spawn.ts";

const ok = (stdout = ""): SpawnResult => ({ code: 0, stdout, stderr: "" });
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

Deno.test("secret-tool get: exit 1 without a message and nothing locked is not found", async () => {
  const { spawn, calls } = fakeSpawn([exit1(), ok("")]);
  assert.equal(await new SecretToolStore({ spawn }).get("Anaconda Cloud", "a.test"), null);
  assert.deepEqual(calls[1]?.args, ["search", ...ATTRS]);
});

Deno.test("secret-tool get: a locked collection is told apart from not found", async () => {
  const { spawn } = fakeSpawn([
    exit1(),
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

const STORE_ARGS = [
  "store",
  "--label=Password for 'a.test' on 'Anaconda Cloud'",
  "xdg:schema",
  "org.freedesktop.Secret.Generic",
  ...ATTRS,
  "application",
  "Python keyring library",
];
const SEARCH_ALL = [
  "--session",
  "--print-reply",
  "--dest=org.freedesktop.secrets",
  "/org/freedesktop/secrets",
  "org.freedesktop.Secret.Service.SearchItems",
  "dict:string:string:service,Anaconda Cloud,username,a.test",
];
const SEARCH_OURS = [
  ...SEARCH_ALL.slice(0, -1),
  "dict:string:string:xdg:schema,org.freedesktop.Secret.Generic,service,Anaconda Cloud," +
  "username,a.test,application,Python keyring library",
];
const ITEM = "/org/freedesktop/secrets/collection/login/";

/** dbus-send's reply to SearchItems: the unlocked, then the locked item paths. */
function searchReply(unlocked: string[], locked: string[] = []): SpawnResult {
  const array = (paths: string[]) =>
    `   array [\n${paths.map((path) => `      object path "${path}"\n`).join("")}   ]\n`;
  return ok(
    `method return time=1 sender=:1.1 -> destination=:1.9 serial=7 reply_serial=2\n${
      array(unlocked)
    }${array(locked)}`,
  );
}
const deleted = ok('method return time=1 sender=:1.1 -> destination=:1.9\n   object path "/"\n');

Deno.test("secret-tool set: stores first, with label, schema and the secret on stdin only", async () => {
  const secret = 'c2VjcmV0 "quoted" \\ \n é';
  const { spawn, calls } = fakeSpawn([ok(), searchReply([`${ITEM}2`])]);
  const store = new SecretToolStore({ spawn });
  assert.equal(
    await store.set("Anaconda Cloud", "a.test", secret),
    "system keyring (Secret Service)",
  );
  assert.deepEqual(calls.map((call) => [call.program, ...call.args]), [
    ["secret-tool", ...STORE_ARGS],
    ["dbus-send", ...SEARCH_ALL],
  ]);
  assert.equal(calls[0]?.options.stdin, secret);
  for (const call of calls) {
    assert.ok(!call.args.some((arg) => arg.includes("c2VjcmV0")));
    assert.ok(call.options.timeoutMs > 0);
  }
});

Deno.test("secret-tool set: other items of the account (Python's, without xdg:schema) are deleted after the store", async () => {
  const { spawn, calls } = fakeSpawn([
    ok(),
    searchReply([`${ITEM}1`, `${ITEM}2`, `${ITEM}3`], [`${ITEM}9`]),
    searchReply([`${ITEM}2`]),
    deleted,
    deleted,
  ]);
  await new SecretToolStore({ spawn }).set("Anaconda Cloud", "a.test", "c2VjcmV0");
  assert.deepEqual(calls.map((call) => call.args), [
    STORE_ARGS,
    SEARCH_ALL,
    SEARCH_OURS,
    [
      "--session",
      "--print-reply",
      "--dest=org.freedesktop.secrets",
      `${ITEM}1`,
      "org.freedesktop.Secret.Item.Delete",
    ],
    [
      "--session",
      "--print-reply",
      "--dest=org.freedesktop.secrets",
      `${ITEM}3`,
      "org.freedesktop.Secret.Item.Delete",
    ],
  ]);
});

Deno.test("secret-tool set: with two items of ours, one is deleted and the other stored again", async () => {
  const { spawn, calls } = fakeSpawn([
    ok(),
    searchReply([`${ITEM}1`, `${ITEM}2`]),
    searchReply([`${ITEM}1`, `${ITEM}2`]),
    deleted,
    ok(),
  ]);
  await new SecretToolStore({ spawn }).set("Anaconda Cloud", "a.test", "new");
  assert.deepEqual(calls.map((call) => call.args[0] === "store" ? "store" : call.args.at(-1)), [
    "store",
    SEARCH_ALL.at(-1),
    SEARCH_OURS.at(-1),
    "org.freedesktop.Secret.Item.Delete",
    "store",
  ]);
  assert.equal(calls[3]?.args[3], `${ITEM}2`);
  assert.equal(calls[4]?.options.stdin, "new");
});

Deno.test("secret-tool set without dbus-send: clear and store again only when another item hides the new secret", async () => {
  const missing = new Deno.errors.NotFound("dbus-send");
  let fake = fakeSpawn([ok(), missing, ok("new")]);
  await new SecretToolStore(fake).set("Anaconda Cloud", "a.test", "new");
  assert.deepEqual(fake.calls.map((call) => call.args[0]), ["store", "--session", "lookup"]);

  fake = fakeSpawn([ok(), missing, ok("old"), ok(), ok()]);
  await new SecretToolStore(fake).set("Anaconda Cloud", "a.test", "new");
  assert.deepEqual(fake.calls.map((call) => call.args), [
    STORE_ARGS,
    SEARCH_ALL,
    ["lookup", ...ATTRS],
    ["clear", ...ATTRS],
    STORE_ARGS,
  ]);
  assert.equal(fake.calls[4]?.options.stdin, "new");
});

Deno.test("secret-tool set into a locked collection is a clear error", async () => {
  const { spawn } = fakeSpawn([
    exit1("secret-tool: Cannot create an item in a locked collection\n"),
  ]);
  await assert.rejects(
    () => new SecretToolStore({ spawn }).set("Anaconda Cloud", "a.test", "x"),
    /is locked/,
  );
});

Deno.test("secret-tool delete: clear; exit 1 means not found unless locked", async () => {
  let fake = fakeSpawn([ok()]);
  assert.equal(await new SecretToolStore(fake).delete("Anaconda Cloud", "a.test"), true);
  assert.deepEqual(fake.calls[0]?.args, ["clear", ...ATTRS]);
  fake = fakeSpawn([exit1(), ok()]);
  assert.equal(await new SecretToolStore(fake).delete("Anaconda Cloud", "a.test"), false);
  fake = fakeSpawn([exit1(), {
    code: 0,
    stdout: "[/1]\n",
    stderr: "Cannot get secret of a locked object\n",
  }]);
  await assert.rejects(
    () => new SecretToolStore(fake).delete("Anaconda Cloud", "a.test"),
    /is locked/,
  );
});

Deno.test({
  name:
    "secret-tool against the real Secret Service: a secret with quotes, backslashes, newlines and non-ASCII",
  ignore: SECRET_SERVICE.ignore,
  async fn() {
    assertSecretService();
    const store = new SecretToolStore(denoContext());
    const domain = uniqueDomain("special");
    const secret = 'a "quoted" \\ back\\slash\nnew line\r\n tab\t é ü 日本 😀\n';
    try {
      assert.equal(await store.get("Anaconda Cloud", domain), null);
      await store.set("Anaconda Cloud", domain, secret);
      assert.equal(await store.get("Anaconda Cloud", domain), secret);
      await store.set("Anaconda Cloud", domain, "second");
      assert.equal(await store.get("Anaconda Cloud", domain), "second");
    } finally {
      assert.equal(await store.delete("Anaconda Cloud", domain), true);
    }
    assert.equal(await store.get("Anaconda Cloud", domain), null);
    assert.equal(await store.delete("Anaconda Cloud", domain), false);
  },
});
