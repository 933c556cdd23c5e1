import assert from "node:assert/strict";
import { ConfigError } from "../errors.ts";
import { dirName } from "../path.ts";
import { parseConfigToml } from "./toml_parse.ts";
import { addSite, type SitesFile, sitesFile } from "./sites_model.ts";
import { sitesEdit, updateSites } from "./sites_update.ts";

function adding(name: string) {
  return (file: SitesFile) =>
    addSite(file, {
      name,
      values: { domain: `${name}.com` },
      makeDefault: false,
      removeAnacondaCom: true,
      homeDir: "/h",
    });
}

async function withConfig(text: string, body: (path: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "anaconda-update-" });
  try {
    const path = `${dir}/config.toml`;
    await Deno.writeTextFile(path, text);
    await body(path);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const ONE = 'default_site = "a"\n\n[sites.a]\ndomain = "a.com"\n';

Deno.test("updateSites applies the change to the file as it is now, not as first read", async () => {
  await withConfig(ONE, async (path) => {
    const stale = sitesFile(path, ONE, parseConfigToml(ONE, path));
    assert.notEqual(sitesEdit(stale, adding("c")), null);
    // Another process adds b after this one read the file and showed its diff.
    await updateSites(path, adding("b"), Date.now());
    assert.equal((await updateSites(path, adding("c"), Date.now())).changed, true);
    const written = parseConfigToml(await Deno.readTextFile(path), path);
    assert.equal(written.default_site, "a");
    assert.deepEqual(Object.keys(written.sites as object), ["a", "b", "c"]);
  });
});

Deno.test("updateSites writes nothing, not even a backup, when nothing changes", async () => {
  await withConfig(ONE, async (path) => {
    const same = (file: SitesFile) => ({ defaultSite: file.defaultSite, sites: file.sites });
    const update = await updateSites(path, same, Date.now());
    assert.deepEqual([update.changed, update.backup], [false, null]);
    assert.equal(await Deno.readTextFile(path), ONE);
    const names = [...Deno.readDirSync(dirName(path))].map((entry) => entry.name).sort();
    assert.deepEqual(names, ["config.toml", "config.toml.lock"]);
  });
});

Deno.test("updateSites checks the change against the current file", async () => {
  await withConfig(ONE, async (path) => {
    await updateSites(path, adding("b"), Date.now());
    // A second `sites add --name b` planned before the first one wrote.
    await assert.rejects(
      () => updateSites(path, adding("b"), Date.now()),
      (err) => err instanceof ConfigError && err.message.startsWith("A site with name b already"),
    );
  });
});
