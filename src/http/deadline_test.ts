import assert from "node:assert/strict";
import { Deadline } from "./deadline.ts";

Deno.test("a deadline expires after its time, and a huge timeout does not fire at once", async () => {
  // Made first: an uncapped 1e10 ms timer would overflow and fire after 1 ms, before `short`.
  const huge = new Deadline(1e10);
  const short = new Deadline(20);
  await new Promise((resolve) => short.signal.addEventListener("abort", resolve));
  assert.equal(short.expired, true);
  assert.equal(
    short.timeoutError("https://a.test/x", "body").message,
    "Request to https://a.test/x failed: the response did not finish within 0.02 s (timeout)",
  );
  assert.equal(huge.signal.aborted, false);
  huge.finish();
});

Deno.test("the caller's abort reaches the deadline's signal with the caller's reason", () => {
  const caller = new AbortController();
  const deadline = new Deadline(10_000, caller.signal);
  caller.abort(new Error("Ctrl-C"));
  assert.equal(deadline.callerAborted, true);
  assert.equal(deadline.expired, false);
  assert.equal((deadline.signal.reason as Error).message, "Ctrl-C");
  deadline.finish();
});
