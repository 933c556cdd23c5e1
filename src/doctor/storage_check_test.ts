import assert from "node:assert/strict";
import { fakeContext } from "../../tests/fake_context.ts";
import { examineApiKey } from "./api_key_check.ts";
import { checkConfig } from "./config_check.ts";
import { checkStorage } from "./storage_check.ts";
import { joinPath } from "../path.ts";

async function storageOf(home: string) {
  const context = fakeContext({
    home,
    env: { ANACONDA_SECRETS_DIR: `${home}/no-secrets`, ANACONDA_AUTH_DOMAIN: "work.example" },
  });
  const { subject } = await checkConfig(context, undefined);
  assert.ok(subject);
  const storage = await checkStorage(context, subject);
  return { context, subject, storage };
}

Deno.test("storage: a corrupt keyring fails, is left as it is, and the key is not looked up", async () => {
  const home = await Deno.makeTempDir({ prefix: "doctor-storage-" });
  try {
    await Deno.mkdir(`${home}/.anaconda`, { mode: 0o700 });
    await Deno.writeTextFile(`${home}/.anaconda/keyring`, '{"Anaconda Cloud": ', { mode: 0o600 });
    const { context, subject, storage } = await storageOf(home);
    assert.equal(storage.result.status, "fail");
    assert.match(
      storage.result.summary,
      /^the file keyring ~[\\/]\.anaconda[\\/]keyring is corrupt \(not valid JSON/,
    );
    assert.equal(
      storage.result.fix,
      "anaconda login --at work.example moves it aside (kept as " +
        `${joinPath("~", ".anaconda", "keyring")}.corrupt-<time>) and starts a new one`,
    );
    // A diagnosis changes nothing: the file is where it was, as it was.
    assert.equal(await Deno.readTextFile(`${home}/.anaconda/keyring`), '{"Anaconda Cloud": ');
    assert.deepEqual([...Deno.readDirSync(`${home}/.anaconda`)].map((entry) => entry.name), [
      "keyring",
    ]);
    const key = examineApiKey(context, subject, storage).findings.result("api-key");
    assert.equal(key.status, "fail");
    assert.equal(
      key.summary,
      "the key could not be looked up: the file keyring cannot be read (see storage)",
    );
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test({
  name: "storage: a keyring others can read, in a folder others can open, warns with chmod",
  // Windows has no POSIX modes (the doctor does not look at them there).
  ignore: Deno.build.os === "windows",
}, async () => {
  const home = await Deno.makeTempDir({ prefix: "doctor-storage-" });
  try {
    await Deno.mkdir(`${home}/.anaconda`);
    await Deno.chmod(`${home}/.anaconda`, 0o755);
    await Deno.writeTextFile(`${home}/.anaconda/keyring`, "{}");
    await Deno.chmod(`${home}/.anaconda/keyring`, 0o644);
    const { storage } = await storageOf(home);
    assert.deepEqual(storage.result, {
      id: "storage",
      status: "warn",
      summary: "~/.anaconda/keyring is 0644: other users can read your API keys; the folder " +
        "~/.anaconda is 0755: other users can look into it",
      fix: "chmod 600 ~/.anaconda/keyring\nchmod 700 ~/.anaconda",
    });
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
