import assert from "node:assert/strict";
import { tokenNote } from "./login.ts";

Deno.test("the token note names the anaconda-client site unless it is binstar or anaconda", () => {
  assert.equal(tokenNote("jane", "laptop", null), "binstar_client:jane@laptop");
  assert.equal(tokenNote("jane", "laptop", "anaconda"), "binstar_client:jane@laptop");
  assert.equal(tokenNote("jane", "laptop", "binstar"), "binstar_client:jane@laptop");
  assert.equal(tokenNote("jane", "laptop", "corp"), "binstar_client:corp:jane@laptop");
});
