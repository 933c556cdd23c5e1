import assert from "node:assert/strict";
import { withHome } from "../tests/support.ts";
import {
  FileTooLargeError,
  readTextBounded,
  removeStaleTempFiles,
  writeFileAtomic,
} from "./files.ts";

const names = (dir: string) => [...Deno.readDirSync(dir)].map((entry) => entry.name).sort();

Deno.test("writeFileAtomic replaces the file with the given mode and leaves no temporary file", async () => {
  await withHome(async (dir) => {
    const path = `${dir}/secret.token`;
    await Deno.writeTextFile(path, "old", { mode: 0o644 });
    await writeFileAtomic(path, "new", { mode: 0o600 });
    assert.equal(await Deno.readTextFile(path), "new");
    if (Deno.build.os !== "windows") assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    assert.deepEqual(names(dir), ["secret.token"]);
  });
});

Deno.test("a failed writeFileAtomic leaves the old file and no temporary file", async () => {
  await withHome(async (dir) => {
    const path = `${dir}/target`;
    await Deno.mkdir(path); // a folder where the file should be: the rename fails
    await assert.rejects(() => writeFileAtomic(path, "new", { mode: 0o600 }));
    assert.deepEqual(names(dir), ["target"]);
    assert.ok((await Deno.stat(path)).isDirectory);
  });
});

Deno.test("removeStaleTempFiles removes only the temporary files of that file", async () => {
  await withHome(async (dir) => {
    const uuid = crypto.randomUUID();
    for (
      const name of [
        `.keyring.${uuid}.tmp`,
        `.keyring.${uuid}.tmp.keep`,
        `.other.${uuid}.tmp`,
        ".keyring.not-a-uuid.tmp",
        "keyring",
      ]
    ) await Deno.writeTextFile(`${dir}/${name}`, "x");
    await removeStaleTempFiles(`${dir}/keyring`);
    assert.deepEqual(
      names(dir),
      [
        ".keyring.not-a-uuid.tmp",
        `.keyring.${uuid}.tmp.keep`,
        `.other.${uuid}.tmp`,
        "keyring",
      ].sort(),
    );
  });
});

Deno.test("readTextBounded: null when missing, the text when small, an error when too big", async () => {
  await withHome(async (dir) => {
    assert.equal(await readTextBounded(`${dir}/missing`, 10), null);
    await Deno.writeTextFile(`${dir}/small`, "héllo");
    assert.equal(await readTextBounded(`${dir}/small`, 10), "héllo");
    await Deno.writeTextFile(`${dir}/big`, "x".repeat(11));
    await assert.rejects(() => readTextBounded(`${dir}/big`, 10), FileTooLargeError);
  });
});
