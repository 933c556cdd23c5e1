/**
 * A secrets folder whose entries link to a FIFO or a device: each is skipped at once with a
 * warning (a read would block or never end), and the regular ones are read. The FIFO is made
 * with `mkfifo`.
 * @module
 */
import assert from "node:assert/strict";
import { fakeContext } from "./fake_context.ts";
import { loadSettings } from "../src/config/load.ts";

Deno.test({
  name:
    "a secret that links to a FIFO or a device is skipped at once with a warning, the others read",
  ignore: Deno.build.os === "windows",
  async fn() {
    const home = await Deno.makeTempDir({ prefix: "anaconda-load-" });
    try {
      const dir = `${home}/secrets`;
      await Deno.mkdir(dir);
      const mkfifo = await new Deno.Command("mkfifo", { args: [`${home}/fifo`] }).output();
      assert.deepEqual(mkfifo.success, true);
      await Deno.symlink(`${home}/fifo`, `${dir}/anaconda_auth_domain`);
      await Deno.symlink("/dev/zero", `${dir}/anaconda_auth_api_key`);
      await Deno.writeTextFile(`${dir}/anaconda_auth_client_id`, "file\n");
      const context = fakeContext({ home, env: { ANACONDA_SECRETS_DIR: dir } });
      const settings = await loadSettings(context, {});
      assert.deepEqual(settings.site().client_id, "file");
      assert.deepEqual(settings.site().api_key, null);
      assert.deepEqual(
        context.err().split("\n").sort().join("\n"),
        [
          "",
          `Warning: ignoring the secret ${dir}/anaconda_auth_api_key: it is not a regular file`,
          `Warning: ignoring the secret ${dir}/anaconda_auth_domain: it is not a regular file`,
        ].join("\n"),
      );
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});
