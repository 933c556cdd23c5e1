import assert from "node:assert/strict";
import { basicAuthorization, decodeBase64, encodeBase64, encodeBase64Url } from "./base64.ts";

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
