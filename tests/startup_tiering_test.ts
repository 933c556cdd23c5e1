/**
 * The hot commands start without a batch of Sparkplug, V8's baseline compiler. V8 queues a
 * function for it once the function has run a little (called several times, or looping);
 * when the queue holds about 4 KB of bytecode (Deno's own start-up fills two thirds of it),
 * V8 compiles the batch on a worker thread, and the process pays for it: up to 0.15x of
 * Deno's start-up (README, "Performance"). A helper called for each cell of a table, each
 * part of a path or each byte of a record is enough. `--help` still compiles one (its
 * rendering of each row).
 *
 * V8 tells with `--trace-baseline-batch-compilation`; the bundle is the one users run.
 * @module
 */
import assert from "node:assert/strict";
import { bundle } from "../scripts/bundle.ts";
import { HOT_COMMANDS, makeLoggedInHome } from "../scripts/hot_commands.ts";
import { cleanEnv, RUN_PERMISSIONS, runProgram, tempHome } from "./support.ts";

Deno.test({
  name: "the hot commands but --help start without a batch of V8's baseline compiler",
  // V8's queue depends on what Deno itself runs at start-up: checked on Linux.
  ignore: Deno.build.os !== "linux",
  async fn() {
    await using dist = await tempHome();
    // The V8 flag makes V8 refuse the code cache: a cache folder of the test's own.
    await using denoDir = await tempHome();
    const home = await makeLoggedInHome("anaconda-tiering-");
    try {
      const path = `${dist.path}/anaconda.js`;
      await bundle(path);
      for (const args of HOT_COMMANDS.filter((args) => args[0] !== "--help")) {
        const result = await runProgram(
          Deno.execPath(),
          [
            "run",
            "--quiet",
            "--v8-flags=--trace-baseline-batch-compilation",
            ...RUN_PERMISSIONS,
            path,
            ...args,
          ],
          { cwd: home, env: cleanEnv(home, { DENO_DIR: denoDir.path }) },
        );
        assert.equal(result.code, 0, result.stderr);
        const trace = result.stdout.split("\n").filter((line) => line.includes("[Baseline"));
        const compiled = trace.some((line) => line.includes("Compiling current batch"));
        assert.equal(compiled, false, `anaconda ${args.join(" ")}:\n${trace.join("\n")}`);
      }
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});
