/**
 * The hint to run `anaconda auth doctor` that ends the report of a network, TLS or
 * storage error, and only of those (network errors: see whoami_faults_test.ts).
 */
import assert from "node:assert/strict";
import { DOCTOR_HINT } from "../src/cli/framework/errors.ts";
import { runCli, tempHome } from "./support.ts";

Deno.test("a storage error ends with the doctor hint", async () => {
  await using home = await tempHome();
  // A folder where the keyring file should be: it cannot be read.
  await Deno.mkdir(`${home.path}/.anaconda/keyring`, { recursive: true });
  const result = await runCli(["auth", "api-key"], { home: home.path });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^StoreError: Cannot read the file keyring /);
  assert.equal(result.stderr.split("\n").at(-2), DOCTOR_HINT);
});

Deno.test("a missing login and a usage error get no doctor hint", async () => {
  await using home = await tempHome();
  const missing = await runCli(["auth", "api-key"], { home: home.path });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^TokenNotFoundError: /);
  assert.ok(!missing.stderr.includes(DOCTOR_HINT), missing.stderr);
  const usage = await runCli(["auth", "doctor", "--nope"], { home: home.path });
  assert.equal(usage.code, 2);
  assert.ok(!usage.stderr.includes(DOCTOR_HINT), usage.stderr);
});
