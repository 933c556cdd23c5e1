import assert from "node:assert/strict";
import { redactedLines } from "./redact_toml.ts";

Deno.test("redactedLines keeps the last 4 characters of api_key and keyring values", () => {
  const text = `default_site = "a"

[plugin.auth]
api_key = "PLUGINSECRET9999"  # keep

[sites.a]
domain = "a.com"
api_key = 'LITERALSECRET1111'
keyring_path = "/home/u/keyring"
keyring = { "Anaconda Cloud" = { "a.com" = "c2VjcmV0dmFsdWU=" } }

[sites.a.extra_headers]
X-Api = "visible"

[sites.b.keyring."Anaconda Cloud"]
"b.com" = "YW5vdGhlcnNlY3JldA=="
`;
  assert.deepEqual(redactedLines(text), [
    'default_site = "a"',
    "",
    "[plugin.auth]",
    'api_key = "********9999"  # keep',
    "",
    "[sites.a]",
    'domain = "a.com"',
    'api_key = "********1111"',
    'keyring_path = "/home/u/keyring"',
    'keyring = { "Anaconda Cloud" = { "a.com" = "********dWU=" } }',
    "",
    "[sites.a.extra_headers]",
    'X-Api = "visible"',
    "",
    '[sites.b.keyring."Anaconda Cloud"]',
    '"b.com" = "********dA=="',
  ]);
});

Deno.test("redactedLines leaves tables named like secrets and other keys alone", () => {
  const text = '[sites.api_key]\ndomain = "k.com"\n[sites.keyring]\ndomain = "r.com"\n';
  assert.deepEqual(redactedLines(text), text.trimEnd().split("\n"));
});

Deno.test("redactedLines keeps line numbers when a secret spans lines", () => {
  const text = '[sites.a]\napi_key = """\nMULTILINESECRET\n"""\ndomain = "a.com"\n';
  const lines = redactedLines(text);
  assert.equal(lines.length, 5);
  assert.equal(lines[4], 'domain = "a.com"');
  assert.ok(!lines.join("\n").includes("MULTILINESECRET"));
});

Deno.test("redactedLines hides every string of a layout it cannot scan", () => {
  // Not valid TOML: the scanner gives up, and no value is shown in full.
  const lines = redactedLines('api_key = "TOPSECRETVALUE" = 1\nname = "visible-name"\n');
  assert.ok(!lines.join("\n").includes("TOPSECRETVALUE"));
  assert.ok(!lines.join("\n").includes("visible-name"));
});
