import assert from "node:assert/strict";
import { baseName, dirName, expandHome, isAbsolute, joinPath } from "./path.ts";

const SEP = Deno.build.os === "windows" ? "\\" : "/";

Deno.test("joinPath joins with the platform separator and drops the first part's trailing one", () => {
  assert.equal(joinPath("/home/u/", ".anaconda", "keyring"), `/home/u${SEP}.anaconda${SEP}keyring`);
  assert.equal(joinPath("/", "x"), `${SEP}x`);
});

Deno.test("dirName and baseName split at the last / or \\", () => {
  assert.equal(dirName("/home/u/config.toml"), "/home/u");
  assert.equal(dirName("C:\\Users\\u\\config.toml"), "C:\\Users\\u");
  assert.equal(dirName("/config.toml"), "/");
  assert.equal(dirName("config.toml"), ".");
  assert.equal(baseName("/home/u/config.toml"), "config.toml");
  assert.equal(baseName("C:\\u\\keyring"), "keyring");
  assert.equal(baseName("keyring"), "keyring");
});

Deno.test("expandHome expands ~ and ~/ only", () => {
  assert.equal(expandHome("~", "/home/u"), "/home/u");
  assert.equal(expandHome("~/ca.pem", "/home/u"), `/home/u${SEP}ca.pem`);
  assert.equal(expandHome("~other/ca.pem", "/home/u"), "~other/ca.pem");
  assert.equal(expandHome("/etc/ca.pem", "/home/u"), "/etc/ca.pem");
});

Deno.test("isAbsolute knows POSIX, drive and UNC paths", () => {
  for (const path of ["/x", "C:\\x", "c:/x", "\\\\server\\share"]) {
    assert.ok(isAbsolute(path), path);
  }
  for (const path of ["x", "./x", "C:x", "~/x"]) assert.ok(!isAbsolute(path), path);
});
