/**
 * Start-up: a run of the CLI leaves V8's compiled code of the bundle in Deno's code cache,
 * so that the next runs do not compile it again (a `Deno.exit()` during the command used
 * to lose it). Commands that wait on stdin still exit at once (tests/login_interrupt_test.ts).
 * @module
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { bundle } from "../scripts/bundle.ts";
import { makeLoggedInHome } from "../scripts/hot_commands.ts";
import { cleanEnv, RUN_PERMISSIONS, runProgram, tempHome } from "./support.ts";

/** The module URLs that have a V8 code cache in the Deno cache folder `denoDir`. */
function cachedModules(denoDir: string): string[] {
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(`${denoDir}/v8_code_cache_v2`, { readOnly: true });
  } catch {
    return []; // no cache written at all
  }
  try {
    const rows = db.prepare("SELECT specifier FROM codecache").all() as { specifier: string }[];
    return rows.map((row) => row.specifier);
  } finally {
    db.close();
  }
}

Deno.test("a run of the bundle stores its compiled code for the next runs", async () => {
  await using dist = await tempHome();
  await using home = await tempHome();
  await using denoDir = await tempHome();
  const loggedIn = await makeLoggedInHome("anaconda-startup-");
  try {
    const path = `${dist.path}/anaconda.js`;
    await bundle(path);
    const url = new URL(`file://${path}`).href;
    // `auth api-key` without a login exits 1 (TokenNotFoundError); with one, it takes its
    // fast path, which loads nothing of the command tree.
    const runs: { args: string[]; inHome: string; code: number }[] = [
      { args: ["--version"], inHome: home.path, code: 0 },
      { args: ["auth", "api-key"], inHome: home.path, code: 1 },
      { args: ["auth", "api-key"], inHome: loggedIn, code: 0 },
    ];
    for (const { args, inHome, code } of runs) {
      const result = await runProgram(
        Deno.execPath(),
        ["run", "--quiet", ...RUN_PERMISSIONS, path, ...args],
        { cwd: inHome, env: cleanEnv(inHome, { DENO_DIR: denoDir.path }) },
      );
      assert.deepEqual(result.code, code, result.stderr);
      const what = `after ${args.join(" ")} in ${inHome}`;
      assert.deepEqual(cachedModules(denoDir.path).includes(url), true, what);
      await Deno.remove(`${denoDir.path}/v8_code_cache_v2`);
    }
  } finally {
    await Deno.remove(loggedIn, { recursive: true });
  }
});
