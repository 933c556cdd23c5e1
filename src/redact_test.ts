import { assertEquals } from "../tests/assert.ts";
import { redactSecret } from "./redact.ts";

Deno.test("redactSecret keeps only the last 4 characters (D41)", () => {
  assertEquals(redactSecret("abcdefghijklmnop"), "********mnop");
  assertEquals(redactSecret("abcdef"), "**cdef");
  assertEquals(redactSecret("abc"), "***");
  assertEquals(redactSecret(""), "");
});
