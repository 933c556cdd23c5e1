import assert from "node:assert/strict";
import { diffDate, unifiedDiff } from "./config_diff.ts";

const PATH = "/home/u/.anaconda/config.toml";

Deno.test("unifiedDiff uses difflib's headers and ranges", () => {
  const diff = unifiedDiff("a\nb\nc\n", "a\nB\nc\nd\n", {
    path: PATH,
    oldDate: "01-02-24 03:04",
    newDate: "01-02-24 03:05",
  });
  assert.equal(
    diff,
    `--- ${PATH}\t01-02-24 03:04\n+++ ${PATH}\t01-02-24 03:05\n@@ -1,3 +1,4 @@\n a\n-b\n+B\n c\n+d\n`,
  );
  assert.equal(
    unifiedDiff("", "x = 1\n", { path: PATH, oldDate: null, newDate: "d" }),
    `--- ${PATH}\n+++ ${PATH}\td\n@@ -0,0 +1 @@\n+x = 1\n`,
  );
  assert.equal(unifiedDiff("x\r\n", "x\n", { path: PATH, oldDate: null, newDate: "d" }), "");
});

Deno.test("unifiedDiff shows api_key and keyring values redacted, changes still visible", () => {
  const before = '[plugin.auth]\napi_key = "PLUGINSECRET9999"\n\n[sites.a]\n' +
    'domain = "a.com"\napi_key = "OLDSECRETVALUE1234"\n';
  const after = before.replace("OLDSECRETVALUE1234", "NEWSECRETVALUE5678") +
    '\n[sites.a.keyring."Anaconda Cloud"]\n"a.com" = "c2VjcmV0dmFsdWU="\n';
  const diff = unifiedDiff(before, after, { path: PATH, oldDate: "o", newDate: "n" });
  assert.equal(
    diff,
    `--- ${PATH}\to\n+++ ${PATH}\tn\n@@ -3,4 +3,7 @@\n \n [sites.a]\n domain = "a.com"\n` +
      '-api_key = "********1234"\n+api_key = "********5678"\n+\n' +
      '+[sites.a.keyring."Anaconda Cloud"]\n+"a.com" = "********dWU="\n',
  );
  const shown = unifiedDiff("", before, { path: PATH, oldDate: null, newDate: "n" });
  assert.ok(shown.includes('+api_key = "********9999"\n'), shown);
  for (const secret of ["PLUGINSECRET", "OLDSECRETVALUE", "NEWSECRETVALUE", "c2VjcmV0"]) {
    assert.ok(!diff.includes(secret) && !shown.includes(secret), secret);
  }
});

Deno.test("dates of diff headers are ISO 8601, local time with its offset", () => {
  const ms = new Date(2024, 0, 2, 3, 4, 5, 678).getTime();
  const shown = diffDate(ms);
  assert.match(shown, /^2024-01-02T03:04:05[+-]\d\d:\d\d$/);
  // The offset is the right one: the text names the same moment (to the second).
  assert.equal(new Date(shown).getTime(), ms - 678);
});
