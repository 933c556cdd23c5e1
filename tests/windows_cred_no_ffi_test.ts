/**
 * The Windows Credential Manager store in a Deno process without `--allow-ffi`: Deno refuses
 * to open advapi32, and the store says how to fix it and what a write elsewhere leaves behind.
 * The store's calls are tested beside the code (src/store/windows_cred_test.ts).
 * @module
 */
import assert from "node:assert/strict";
import { runProgram } from "./support.ts";

Deno.test("windows: without --allow-ffi the store cannot be opened, and the error says how to fix it", async () => {
  // Deno refuses dlopen before looking for the library, so this runs on every OS.
  const module = new URL("../src/store/windows_cred.ts", import.meta.url).href;
  const script = `import { openCredentialApi } from ${JSON.stringify(module)};
try {
  await openCredentialApi();
  console.log("opened");
} catch (err) {
  console.log(JSON.stringify([err.name, err.message, err.writeWarning]));
}`;
  const output = await runProgram(Deno.execPath(), ["run", "--no-prompt", "--no-config", "-"], {
    env: Deno.env.toObject(),
    stdin: script,
  });
  assert.equal(output.code, 0, output.stderr);
  assert.deepEqual(JSON.parse(output.stdout), [
    "StoreUnavailableError",
    "the Windows Credential Manager cannot be used: run with --allow-ffi to use it",
    "a key stored earlier in the Windows Credential Manager stays there, and the Python tool " +
    "reads it before this one: run with --allow-ffi to replace it",
  ]);
});
