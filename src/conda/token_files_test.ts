import assert from "node:assert/strict";
import fc from "fast-check";
import { fuzzRuns } from "../../tests/fuzz.ts";
import { withHome } from "../../tests/support.ts";
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

/** A temporary file as a writer killed between its write and its rename leaves it. */
async function leftover(dir: string, url: string): Promise<string> {
  const path = `${dir}/.${quotePlus(url)}.token.${crypto.randomUUID()}.tmp`;
  await Deno.writeTextFile(path, "secret-token", { mode: 0o600 });
  return path;
}

Deno.test("a token file write removes what killed writers left in the folder, for any URL", async () => {
  await withHome(async (home) => {
    const dir = `${home}/binstar`;
    await Deno.mkdir(dir);
    const mine = await leftover(dir, REPO);
    const other = await leftover(dir, "https://api.anaconda.org");
    // Not a token file's: not ours to remove.
    const foreign = `${dir}/.notes.txt.${crypto.randomUUID()}.tmp`;
    await Deno.writeTextFile(foreign, "x");
    await setTokenFile(dir, REPO, "tok");
    const names = [...Deno.readDirSync(dir)].map((entry) => entry.name).sort();
    assert.deepEqual(names, [
      foreign.slice(dir.length + 1),
      ".tokens.lock",
      `${quotePlus(REPO)}.token`,
    ]);
    for (const path of [mine, other]) {
      await assert.rejects(() => Deno.lstat(path), Deno.errors.NotFound);
    }
  });
});

Deno.test("a token file removal removes what killed writers left, even with no token file", async () => {
  await withHome(async (home) => {
    const dir = `${home}/binstar`;
    await Deno.mkdir(dir);
    // Nothing there: nothing done, not even a lock file.
    assert.equal(await removeTokenFile(dir, REPO), false);
    assert.deepEqual([...Deno.readDirSync(dir)], []);
    const stale = await leftover(dir, REPO);
    assert.equal(await removeTokenFile(dir, REPO), false);
    await assert.rejects(() => Deno.lstat(stale), Deno.errors.NotFound);
    await setTokenFile(dir, REPO, "tok");
    await leftover(dir, "https://api.anaconda.org");
    assert.equal(await removeTokenFile(dir, REPO), true);
    assert.deepEqual([...Deno.readDirSync(dir)].map((entry) => entry.name), [".tokens.lock"]);
  });
});
