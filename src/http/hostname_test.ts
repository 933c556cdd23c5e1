import assert from "node:assert/strict";
import { clientHostname, clientHostnameHeader, hashHostname } from "./hostname.ts";

Deno.test("hostname hashes reproduce the Python tool's vectors", () => {
  assert.equal(hashHostname("my-laptop"), "PgvljETpLz5xA9C2XpbYfQ");
  assert.equal(hashHostname("example-host"), "zeqFYGWKy5KH8mFpDrksQA");
  assert.equal(hashHostname(""), "pBRGfDo-K0ggZHxzgvETZw");
});

Deno.test("a trailing .local is dropped before hashing", () => {
  assert.equal(clientHostname("my-laptop.local"), "my-laptop");
  assert.equal(clientHostname("my-laptop.localdomain"), "my-laptop.localdomain");
  assert.equal(clientHostnameHeader("my-laptop.local", true), "PgvljETpLz5xA9C2XpbYfQ");
});

Deno.test("the plain hostname is sent when hashing is off", () => {
  assert.equal(clientHostnameHeader("example-host.local", false), "example-host");
  assert.equal(clientHostnameHeader("", false), "");
});
