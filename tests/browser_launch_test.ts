/**
 * `launchProgram` runs real programs (the browser openers): its exit status decides, and a
 * missing program is no opener. The choice of openers is tested beside the code
 * (src/browser_test.ts).
 * @module
 */
import assert from "node:assert/strict";
import { launchProgram } from "../src/browser.ts";

Deno.test("launchProgram: exit status decides; a missing program is false", async () => {
  // Deno itself stands for `true` and `false`, which Windows lacks.
  assert.equal(await launchProgram(Deno.execPath(), ["eval", "Deno.exit(0)"]), true);
  assert.equal(await launchProgram(Deno.execPath(), ["eval", "Deno.exit(1)"]), false);
  assert.equal(await launchProgram("no-such-program-for-anaconda-tests", []), false);
});

Deno.test({
  name: "launchProgram: the browser runs in a session of its own, so it outlives the CLI",
  // The session id of a process is in /proc on Linux.
  ignore: Deno.build.os !== "linux",
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const out = `${dir}/sid`;
      // Field 6 of /proc/<pid>/stat is the session id.
      assert.equal(
        await launchProgram("sh", ["-c", `cut -d' ' -f6 /proc/$$/stat > '${out}'`]),
        true,
      );
      const ours = (await Deno.readTextFile("/proc/self/stat")).split(" ")[5];
      assert.notEqual((await Deno.readTextFile(out)).trim(), ours);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
