import assert from "node:assert/strict";
import { denoContext } from "../context.ts";
import { ASYNC_CLOCK_DOORS, ASYNC_DOORS, watchAsyncDoors } from "./process_end.ts";

/** Members of the real context that start nothing asynchronous (the process may end by itself). */
const SYNC_MEMBERS = [
  "env",
  "cwd",
  "homeDir",
  "hostname",
  "os",
  "stdout",
  "stderr",
  "notify",
  "runCache",
  "clock",
];
const SYNC_CLOCK_MEMBERS = ["now"];

Deno.test("every member of the real context is known to be synchronous or an asynchronous door", () => {
  // A new door (a server, a timer...) must be watched, or a command using it could keep
  // the process alive after it is done.
  const context = denoContext();
  assert.deepEqual(
    Object.keys(context).sort(),
    [...SYNC_MEMBERS, ...ASYNC_DOORS].sort(),
  );
  assert.deepEqual(
    Object.keys(context.clock).sort(),
    [...SYNC_CLOCK_MEMBERS, ...ASYNC_CLOCK_DOORS].sort(),
  );
});

Deno.test("reading an asynchronous door counts; synchronous members do not", async () => {
  const context = denoContext();
  const used = watchAsyncDoors(context);
  context.env.get("HOME");
  context.cwd();
  context.clock.now();
  context.stderr.isTerminal;
  assert.equal(used(), false);
  const { fetch } = context; // handed to an HTTP client: the client may use it later
  assert.equal(typeof fetch, "function");
  assert.equal(used(), true);

  const sleeping = denoContext();
  const slept = watchAsyncDoors(sleeping);
  await sleeping.clock.sleep(0);
  assert.equal(slept(), true);
});

Deno.test("a watched stdin is still the context's one stdin", () => {
  const context = denoContext();
  const used = watchAsyncDoors(context);
  const stdin = context.stdin;
  assert.equal(used(), true);
  assert.equal(context.stdin, stdin);
  assert.equal(typeof stdin.readLine, "function");
});
