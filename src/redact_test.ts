import assert from "node:assert/strict";
import { redactSecret } from "./redact.ts";

Deno.test("redactSecret keeps only the last 4 characters (D41)", () => {
  assert.deepEqual(redactSecret("abcdefghijklmnop"), "********mnop");
  assert.deepEqual(redactSecret("abcdef"), "**cdef");
  assert.deepEqual(redactSecret("abc"), "***");
  assert.deepEqual(redactSecret(""), "");
});
