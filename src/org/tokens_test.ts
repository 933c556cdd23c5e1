/**
 * Where the anaconda.org token is found and kept (tokens.ts): conda's prefix match,
 * anaconda-client's own folder, the environment; saving and removing.
 */
import assert from "node:assert/strict";
import { fakeContext } from "../../tests/fake_context.ts";
import { tempHome } from "../../tests/support.ts";
import { joinPath } from "../../tests/paths.ts";
import { quotePlus } from "../conda/token_files.ts";
import { envToken, removeTokens, saveToken, storedToken } from "./tokens.ts";

async function writeToken(dir: string, url: string, token: string): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  const path = `${dir}/${quotePlus(url)}.token`;
  await Deno.writeTextFile(path, token);
  return path;
}

Deno.test("the stored token is conda's file of the longest URL prefix, else anaconda-client's own", async () => {
  await using home = await tempHome();
  const context = fakeContext({ home: home.path });
  const conda = joinPath(home.path, ".config", "binstar");
  const own = `${home.path}/.continuum/anaconda-client/tokens`;
  await writeToken(conda, "https://api.example.org", "short\n");
  await writeToken(conda, "https://api.example.org/v2/", "long");
  await writeToken(conda, "https://api.example", "other-host");
  await writeToken(conda, "https://empty.example", "");
  await writeToken(own, "https://empty.example", "from-anaconda-client");
  assert.equal((await storedToken(context, "https://api.example.org/v2"))?.token, "long");
  assert.equal((await storedToken(context, "https://api.example.org"))?.token, "short");
  assert.equal((await storedToken(context, "https://api.example.org.evil"))?.token, undefined);
  assert.equal(
    (await storedToken(context, "https://empty.example"))?.token,
    "from-anaconda-client",
  );
  assert.equal(await storedToken(context, "https://none.example"), null);
});

Deno.test("a saved token is conda's 0600 file; removing takes it from both folders", async () => {
  await using home = await tempHome();
  const context = fakeContext({ home: home.path });
  const url = "https://api.anaconda.org";
  const path = await saveToken(context, url, "tok");
  assert.equal(
    path,
    joinPath(home.path, ".config", "binstar", "https%3A%2F%2Fapi.anaconda.org.token"),
  );
  assert.equal(await Deno.readTextFile(path), "tok");
  if (Deno.build.os !== "windows") assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  const copy = await writeToken(`${home.path}/.continuum/anaconda-client/tokens`, url, "old");
  const found = await storedToken(context, url);
  // Named as the reader finds it (joined with the platform's separator).
  const copyFound = joinPath(
    home.path,
    ".continuum/anaconda-client/tokens",
    copy.split("/").at(-1)!,
  );
  assert.deepEqual(await removeTokens(context, url, found), [path, copyFound]);
  assert.equal(await storedToken(context, url), null);
  assert.deepEqual(await removeTokens(context, url, null), []);
});

Deno.test("BINSTAR_API_TOKEN wins over ANACONDA_API_TOKEN; empty ones do not count", () => {
  assert.equal(
    envToken(fakeContext({ env: { ANACONDA_API_TOKEN: "a" } }))?.where,
    "ANACONDA_API_TOKEN",
  );
  const both = fakeContext({ env: { BINSTAR_API_TOKEN: "b", ANACONDA_API_TOKEN: "a" } });
  assert.deepEqual(envToken(both), { token: "b", kind: "env", where: "BINSTAR_API_TOKEN" });
  assert.equal(envToken(fakeContext({ env: { BINSTAR_API_TOKEN: " " } })), null);
});
