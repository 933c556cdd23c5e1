import assert from "node:assert/strict";
import fc from "fast-check";
import { fuzzRuns } from "../../tests/fuzz.ts";
import { withHome } from "../../tests/support.ts";
import { runPython } from "../../tests/token_support.ts";
import { NO_PYTHON, unlessWine } from "../../tests/wine.ts";
import { joinPath } from "../path.ts";
import {
  quotePlus,
  readTokenFiles,
  removeTokenFile,
  setTokenFile,
  tokenDirectory,
  tokenFilePath,
  unquotePlus,
} from "./token_files.ts";

const REPO = "https://repo.anaconda.cloud/repo/";

Deno.test("token file names are Python's quote_plus(url, safe='') + .token", () => {
  assert.equal(quotePlus(REPO), "https%3A%2F%2Frepo.anaconda.cloud%2Frepo%2F");
  assert.equal(
    tokenFilePath("/d", "https://api.anaconda.org"),
    joinPath("/d", "https%3A%2F%2Fapi.anaconda.org.token"),
  );
  assert.equal(quotePlus("a b~c*d'é"), "a+b~c%2Ad%27%C3%A9");
  assert.equal(unquotePlus("a+b~c%2Ad%27%C3%A9"), "a b~c*d'é");
});

Deno.test({
  ...unlessWine("quotePlus and unquotePlus agree with Python's urllib", NO_PYTHON),
}, async () => {
  const samples = [REPO, "https://x/y?a=1&b=2 3", "http://[::1]:8080/ä/€/😀", "~._-!*'()%+"];
  const result = await runPython(
    "import json, sys, urllib.parse as u\n" +
      "print(json.dumps([u.quote_plus(s, safe='') for s in json.load(sys.stdin)]))",
    { stdin: JSON.stringify(samples) },
  );
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(samples.map(quotePlus), JSON.parse(result.stdout));
});

Deno.test("property: unquotePlus(quotePlus(url)) gives the url back, for any text", () => {
  fc.assert(
    fc.property(fc.string({ unit: "binary" }), (text) => {
      const wellFormed = text.isWellFormed() ? text : text.toWellFormed();
      assert.equal(unquotePlus(quotePlus(wellFormed)), wellFormed);
      assert.match(quotePlus(wellFormed), /^[A-Za-z0-9_.~+%-]*$/);
    }),
    { seed: 8, numRuns: fuzzRuns(300) },
  );
});

Deno.test("the token folder: BINSTAR_CONFIG_DIR/data, else the OS's user config folder", () => {
  const at = (os: typeof Deno.build.os, env: Record<string, string>) =>
    tokenDirectory({ os, env: { get: (name) => env[name] }, homeDir: () => "/home/u" });
  assert.equal(at("linux", { BINSTAR_CONFIG_DIR: "/b" }), joinPath("/b", "data"));
  assert.equal(at("linux", {}), joinPath("/home/u", ".config", "binstar"));
  assert.equal(at("linux", { XDG_CONFIG_HOME: "/x" }), joinPath("/x", "binstar"));
  assert.equal(at("darwin", {}), joinPath("/home/u", "Library", "Application Support", "binstar"));
  // Joined with the separator of the OS it runs on (this test runs on Linux too).
  assert.match(
    at("windows", { LOCALAPPDATA: "C:\\Users\\u\\AppData\\Local" }),
    /^C:\\Users\\u\\AppData\\Local[\\/]ContinuumIO[\\/]binstar$/,
  );
});

Deno.test("set, read back and remove a token file: raw token, 0600, old file replaced", async () => {
  await withHome(async (home) => {
    const dir = `${home}/.config/binstar`;
    assert.deepEqual(await readTokenFiles(dir), []);
    const path = await setTokenFile(dir, REPO, "old");
    await setTokenFile(dir, REPO, "t/k+n%");
    assert.equal(path, joinPath(dir, "https%3A%2F%2Frepo.anaconda.cloud%2Frepo%2F.token"));
    assert.equal(await Deno.readTextFile(path), "t/k+n%");
    if (Deno.build.os !== "windows") assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    await Deno.writeTextFile(`${dir}/notes.txt`, "not a token");
    assert.deepEqual(await readTokenFiles(dir), [{ url: REPO, token: "t/k+n%" }]);
    assert.equal(await removeTokenFile(dir, REPO), true);
    assert.equal(await removeTokenFile(dir, REPO), false);
    assert.deepEqual(await readTokenFiles(dir), []);
  });
});

Deno.test({ ...unlessWine("conda's own reader finds the token we wrote", NO_PYTHON) }, async () => {
  await withHome(async (home) => {
    const dir = `${home}/binstar/data`;
    await setTokenFile(dir, REPO, "tok-123");
    // conda.gateways.anaconda_client.read_binstar_tokens, without conda installed.
    const result = await runPython(
      `
import os, re, sys
from urllib.parse import unquote_plus
d = sys.argv[1] if len(sys.argv) > 1 else os.environ["DIR"]
for entry in os.scandir(d):
    if entry.name[-6:] == ".token":
        print(re.sub(r"\\.token$", "", unquote_plus(entry.name)), open(entry.path).read())
`,
      { env: { DIR: dir } },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `${REPO} tok-123\n`);
  });
});
