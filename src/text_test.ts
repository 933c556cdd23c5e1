import assert from "node:assert/strict";
import fc from "fast-check";
import { escapeControl, hasControlChars, utf8Text } from "./text.ts";
import { fuzzRuns } from "../tests/fuzz.ts";

Deno.test("escapeControl shows C0, DEL and C1 controls as \\xHH escapes", () => {
  assert.equal(escapeControl("a\u001b[2Jb"), "a\\x1b[2Jb");
  assert.equal(escapeControl("one\ntwo\r\t"), "one\\x0atwo\\x0d\\x09");
  assert.equal(escapeControl("\u0000\u007f\u0085\u009b"), "\\x00\\x7f\\x85\\x9b");
});

Deno.test("escapeControl shows line separators and bidi overrides as \\uHHHH escapes", () => {
  assert.equal(escapeControl("x\u2028y\u202ez\u2066"), "x\\u2028y\\u202ez\\u2066");
});

Deno.test("escapeControl leaves printable text, accents and emoji alone", () => {
  const text = 'work.example.com [sites."é"] ✔ 🎉 C:\\path';
  assert.equal(escapeControl(text), text);
  assert.equal(hasControlChars(text), false);
});

Deno.test("property: escaped text never holds a control character and is printable on one line", () => {
  fc.assert(
    fc.property(fc.string({ unit: "binary" }), (text) => {
      const escaped = escapeControl(text);
      assert.equal(hasControlChars(escaped), false);
      assert.equal(hasControlChars(text), escaped !== text);
    }),
    { seed: 11, numRuns: fuzzRuns(500) },
  );
});

Deno.test("property: utf8Text decodes as a strict TextDecoder does, and refuses what it refuses", () => {
  const strict = new TextDecoder("utf-8", { fatal: true });
  const bytes = fc.oneof(
    fc.uint8Array({ max: 0x7f, maxLength: 40 }),
    fc.uint8Array({ maxLength: 40 }),
    fc.string({ unit: "binary", maxLength: 20 }).map((text) => new TextEncoder().encode(text)),
  );
  fc.assert(
    fc.property(bytes, (value) => {
      let expected: string | TypeError;
      try {
        expected = strict.decode(value);
      } catch (err) {
        expected = err as TypeError;
      }
      if (expected instanceof TypeError) assert.throws(() => utf8Text(value), TypeError);
      else assert.equal(utf8Text(value), expected);
    }),
    { seed: 88, numRuns: fuzzRuns(1000) },
  );
  assert.equal(utf8Text(new Uint8Array(100_000).fill(0x61)), "a".repeat(100_000));
});
