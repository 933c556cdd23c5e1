import assert from "node:assert/strict";
import fc from "fast-check";
import { basicAuthorization, decodeBase64, encodeBase64, encodeBase64Url } from "./base64.ts";
import { fuzzRuns } from "../tests/fuzz.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

Deno.test("encodeBase64 pads; encodeBase64Url is URL-safe without padding", () => {
  assert.equal(encodeBase64(bytes("a?>")), "YT8+");
  assert.equal(encodeBase64(bytes("ab")), "YWI=");
  assert.equal(encodeBase64Url(Uint8Array.of(0xfb, 0xff)), "-_8");
  // Large inputs are encoded in slices (no argument-count overflow).
  assert.equal(encodeBase64(new Uint8Array(200_000)).length, 266_668);
});

Deno.test("decodeBase64 takes standard or URL-safe, padded or not; null for anything else", () => {
  for (const text of ["-_8", "+/8=", "+/8", " +/\n8= "]) {
    assert.deepEqual(decodeBase64(text), Uint8Array.of(0xfb, 0xff), text);
  }
  for (const text of ["a", "abc!", "ab==c", "Y==="]) assert.equal(decodeBase64(text), null, text);
});

Deno.test("basicAuthorization: Latin-1 when it fits (as requests), else UTF-8", () => {
  assert.equal(basicAuthorization("jane", "pässword"), `Basic ${btoa("jane:p\u00e4ssword")}`);
  assert.equal(
    basicAuthorization("jane", "密码"),
    `Basic ${encodeBase64(bytes("jane:密码"))}`,
  );
  assert.equal(
    basicAuthorization("jane", "pass€"),
    `Basic ${btoa(String.fromCharCode(...bytes("jane:pass€")))}`,
  );
});

Deno.test("property: decodeBase64 decodes what atob decodes, in either alphabet, padded or not", () => {
  const urlSafe = (text: string) => text.replaceAll("+", "-").replaceAll("/", "_");
  fc.assert(
    fc.property(
      fc.string({
        unit: fc.constantFrom(
          ..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
        ),
        maxLength: 41,
      }),
      fc.boolean(),
      (text, padded) => {
        const whole = text + "=".repeat((4 - (text.length % 4)) % 4);
        let expected: Uint8Array | null;
        try {
          expected = Uint8Array.from(atob(whole), (char) => char.charCodeAt(0));
        } catch {
          expected = null; // one character too many (a length of 4n + 1)
        }
        const given = padded ? whole : text;
        assert.deepEqual(decodeBase64(given), expected, given);
        if (!/[+/]/.test(given)) return;
        assert.deepEqual(decodeBase64(urlSafe(given)), expected, urlSafe(given));
      },
    ),
    { seed: 64, numRuns: fuzzRuns(1000) },
  );
});
