/**
 * `launchProgram` runs real programs (the browser openers): its exit status decides, and a
 * missing program is no opener. The choice of openers is tested beside the code
 * (src/browser_test.ts).
 * @module
 */
import assert from "node:assert/strict";
import { launchProgram } from "../src/browser.ts";

Deno.test("launchProgram: exit status decides; a missing program is false", async () => {
  assert.equal(await launchProgram("true", []), true);
  assert.equal(await launchProgram("false", []), false);
  assert.equal(await launchProgram("no-such-program-for-anaconda-tests", []), false);
});
