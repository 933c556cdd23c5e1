import assert from "node:assert/strict";
import { ConfigError } from "../errors.ts";
import { backupStamp } from "../backups.ts";
import { backupConfig, MAX_CONFIG_BYTES, readConfigText, writeConfigFile } from "./config_file.ts";

Deno.test("backup names are local time with microseconds", () => {
  const ms = new Date(2024, 0, 2, 3, 4, 5, 678).getTime();
  assert.equal(backupStamp(ms), "20240102_030405_678000");
  assert.equal(backupStamp(ms, 1), "20240102_030405_678001");
});

async function withTempDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "anaconda-write-" });
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("writeConfigFile creates the folder 0700 and the file 0600", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/new/.anaconda/config.toml`;
    const backup = await writeConfigFile(path, "a = 1\n", Date.now());
    assert.equal(backup, null);
    assert.equal(await Deno.readTextFile(path), "a = 1\n");
    if (Deno.build.os !== "windows") {
      assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
      assert.equal((await Deno.stat(`${dir}/new/.anaconda`)).mode! & 0o777, 0o700);
    }
    const names = [...Deno.readDirSync(`${dir}/new/.anaconda`)].map((entry) => entry.name);
    assert.deepEqual(names, ["config.toml"]);
  });
});

Deno.test("writeConfigFile backs up the old file and keeps the 5 newest backups", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/config.toml`;
    await Deno.writeTextFile(path, "v = 0\n", { mode: 0o644 });
    const start = new Date(2024, 0, 2, 3, 4, 5).getTime();
    for (let n = 1; n <= 7; n++) {
      const backup = await writeConfigFile(path, `v = ${n}\n`, start + n * 1000);
      assert.ok(backup?.endsWith(`config.backup.${backupStamp(start + n * 1000)}.toml`));
      assert.equal(await Deno.readTextFile(backup!), `v = ${n - 1}\n`);
    }
    assert.equal(await Deno.readTextFile(path), "v = 7\n");
    const backups = [...Deno.readDirSync(dir)].map((entry) => entry.name)
      .filter((name) => name.startsWith("config.backup.")).sort();
    assert.deepEqual(
      backups,
      [3, 4, 5, 6, 7].map((n) => `config.backup.${backupStamp(start + n * 1000)}.toml`),
    );
    if (Deno.build.os !== "windows") {
      assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
      for (const name of backups) {
        assert.equal((await Deno.stat(`${dir}/${name}`)).mode! & 0o777, 0o600);
      }
    }
  });
});

Deno.test("backupConfig gives two backups in one millisecond different names", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/config.toml`;
    await Deno.writeTextFile(path, "v = 0\n");
    const ms = Date.now();
    const first = await backupConfig(path, ms);
    const second = await backupConfig(path, ms);
    assert.notEqual(first, second);
  });
});

Deno.test("readConfigText reads the file, null when missing, and refuses an endless one", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/config.toml`;
    assert.equal(await readConfigText(path), null);
    await Deno.writeTextFile(path, "a = 'é'\n");
    assert.equal(await readConfigText(path), "a = 'é'\n");
    await Deno.writeFile(path, new Uint8Array(MAX_CONFIG_BYTES + 1).fill(0x20));
    await assert.rejects(
      () => readConfigText(path),
      (err) =>
        err instanceof ConfigError && err.message.includes(`larger than ${MAX_CONFIG_BYTES} bytes`),
    );
    if (Deno.build.os !== "windows") {
      await assert.rejects(
        () => readConfigText("/dev/zero"),
        (err) => err instanceof ConfigError && err.message.startsWith("Cannot read /dev/zero: "),
      );
    }
  });
});

Deno.test({
  name: "a backup is never written through a link put at its name",
  ignore: Deno.build.os === "windows",
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const path = `${dir}/config.toml`;
      await Deno.writeTextFile(path, "a = 1\n");
      const now = Date.UTC(2026, 0, 2, 3, 4, 5);
      // Every name the next backups could take is a link to a file that is not ours.
      await Deno.writeTextFile(`${dir}/victim`, "keep");
      for (let micros = 0; micros < 3; micros++) {
        await Deno.symlink(
          `${dir}/victim`,
          `${dir}/config.backup.${backupStamp(now, micros)}.toml`,
        );
      }
      await writeConfigFile(path, "a = 2\n", now);
      assert.equal(await Deno.readTextFile(`${dir}/victim`), "keep");
      assert.equal(await Deno.readTextFile(path), "a = 2\n");
      const backup = `${dir}/config.backup.${backupStamp(now, 3)}.toml`;
      assert.equal(await Deno.readTextFile(backup), "a = 1\n");
      assert.equal((await Deno.lstat(backup)).mode! & 0o777, 0o600);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
