import assert from "node:assert/strict";
import { withHome } from "../tests/support.ts";
import {
  assertWritable,
  FileTooLargeError,
  NotAFileError,
  NotUtf8Error,
  ReadOnlyFileError,
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

Deno.test("readTextBounded decodes as TextDecoder does: BOM dropped, bad bytes replaced or refused", async () => {
  await withHome(async (dir) => {
    const write = (name: string, bytes: number[]) =>
      Deno.writeFile(`${dir}/${name}`, new Uint8Array(bytes));
    const ab = [0x61, 0x62];
    await write("bom", [0xef, 0xbb, 0xbf, ...ab]);
    assert.equal(await readTextBounded(`${dir}/bom`, 10), "ab");
    await write("bad", [...ab, 0xff, 0xc3]);
    assert.equal(await readTextBounded(`${dir}/bad`, 10), "ab\uFFFD\uFFFD");
    await assert.rejects(
      () => readTextBounded(`${dir}/bad`, 10, { strictUtf8: true }),
      NotUtf8Error,
    );
    // U+FFFD itself is UTF-8 (EF BF BD): kept, also when strict.
    await write("replacement", [...ab, 0xef, 0xbf, 0xbd]);
    assert.equal(await readTextBounded(`${dir}/replacement`, 10, { strictUtf8: true }), "ab\uFFFD");
    await Deno.mkdir(`${dir}/folder`);
    await assert.rejects(() => readTextBounded(`${dir}/folder`, 10), NotAFileError);
  });
});

Deno.test({
  name:
    "assertWritable: a missing file, a writable one or a link passes; a read-only one is refused",
  ignore: Deno.build.os === "windows",
  async fn() {
    await withHome(async (dir) => {
      await assertWritable(`${dir}/missing`);
      await Deno.writeTextFile(`${dir}/rw`, "", { mode: 0o644 });
      await assertWritable(`${dir}/rw`);
      for (const mode of [0o444, 0o400, 0o044]) {
        await Deno.chmod(`${dir}/rw`, mode);
        await assert.rejects(
          () => assertWritable(`${dir}/rw`),
          (err: unknown) =>
            err instanceof ReadOnlyFileError &&
            err.message ===
              `it is read-only (mode ${
                mode.toString(8).padStart(4, "0")
              }); make it writable (chmod u+w) to change it`,
        );
      }
      // A link is replaced by a rename, never written through: its target does not matter.
      await Deno.symlink(`${dir}/rw`, `${dir}/link`);
      await assertWritable(`${dir}/link`);
    });
  },
});
