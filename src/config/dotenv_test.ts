import assert from "node:assert/strict";
import { MAX_DOTENV_BYTES, parseDotenv, readDotenvFile } from "./dotenv.ts";

function variables(text: string): Record<string, string> {
  return Object.fromEntries(parseDotenv(text));
}

Deno.test("dotenv: KEY=value lines, export prefix, KEY: value, spaces trimmed", () => {
  assert.deepEqual(
    variables(
      "A=1\nexport B=two\n  C = spaced out  \nD: colon\nE=\nF\nexport  G=g\ndotted.name-x=ok\n",
    ),
    { A: "1", B: "two", C: "spaced out", D: "colon", E: "", G: "g", "dotted.name-x": "ok" },
  );
});

Deno.test("dotenv: comments, and # ends an unquoted value", () => {
  assert.deepEqual(
    variables('# a comment\nA=value # note\nB=abc#def\n  # indented comment\nC="x # y" # z\n'),
    { A: "value", B: "abc", C: "x # y" },
  );
});

Deno.test("dotenv: single, double and backtick quotes; escapes only in double quotes", () => {
  assert.deepEqual(
    variables(
      [
        `S='a\\nb "q"'`,
        `D="a\\nb\\rc 'q'"`,
        "B=`a\\nb 'q' \"q\"`",
        `P="  padded  "`,
        `U=it's`,
      ].join("\n"),
    ),
    { S: 'a\\nb "q"', D: "a\nb\rc 'q'", B: "a\\nb 'q' \"q\"", P: "  padded  ", U: "it's" },
  );
});

Deno.test("dotenv: quoted values may span lines", () => {
  assert.deepEqual(
    variables('CERT="-----BEGIN-----\nabc\n-----END-----"\nNEXT=1\n'),
    { CERT: "-----BEGIN-----\nabc\n-----END-----", NEXT: "1" },
  );
});

Deno.test("dotenv: CRLF and CR line ends read like LF", () => {
  assert.deepEqual(variables('A=1\r\nB="x\r\ny"\r\nC=3\rD=4'), {
    A: "1",
    B: "x\ny",
    C: "3",
    D: "4",
  });
});

Deno.test("dotenv: the last of repeated keys wins", () => {
  assert.deepEqual(variables("A=first\nA=second\n"), { A: "second" });
});

Deno.test("dotenv: __proto__ is an ordinary key", () => {
  assert.deepEqual([...parseDotenv("__proto__=x\n")], [["__proto__", "x"]]);
});

Deno.test("dotenv: lines that are not assignments are skipped", () => {
  assert.deepEqual(variables("just words\n=novalue\nA=1\n"), { A: "1" });
});

Deno.test("dotenv: text over the size bound is refused", () => {
  assert.throws(() => parseDotenv("A=1\n".padEnd(MAX_DOTENV_BYTES + 1, "#")), {
    name: "ConfigError",
    message: /too large/,
  });
});

Deno.test("dotenv: a megabyte of unterminated quotes parses quickly", () => {
  const started = performance.now();
  parseDotenv(`A="${'\\"'.repeat(MAX_DOTENV_BYTES / 4)}\nB='${"x".repeat(MAX_DOTENV_BYTES / 4)}`);
  const elapsed = performance.now() - started;
  if (elapsed > 2_000) throw new Error(`parsing took ${elapsed} ms`);
});

Deno.test("dotenv file: missing or a folder reads as none; a large file is a ConfigError", async () => {
  const dir = await Deno.makeTempDir({ prefix: "anaconda-dotenv-" });
  try {
    assert.deepEqual(readDotenvFile(`${dir}/.env`), null);
    assert.deepEqual(readDotenvFile(dir), null);
    await Deno.writeTextFile(`${dir}/.env`, "A=1\n");
    assert.deepEqual(readDotenvFile(`${dir}/.env`), "A=1\n");
    await Deno.writeFile(`${dir}/.env`, new Uint8Array(MAX_DOTENV_BYTES + 1));
    assert.throws(() => readDotenvFile(`${dir}/.env`), {
      name: "ConfigError",
      message: /too large for a \.env/,
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
