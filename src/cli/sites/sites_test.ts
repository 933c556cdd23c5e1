/**
 * The `sites` commands in process: argv through the real command tree, with a fake
 * context (captured output, fake stdin, manual clock) and a temporary HOME.
 * @module
 */
import assert from "node:assert/strict";
import { run } from "../root.ts";
import { fakeContext } from "../../../tests/fake_context.ts";
import { diffDate } from "../../config/config_diff.ts";
import { defaultSiteKey } from "./list.ts";
import { tableConfig, visibleFields } from "./show.ts";
import { withHome } from "../../../tests/support.ts";
import { joinPath } from "../../../tests/paths.ts";

function context(home: string, stdin?: string) {
  return fakeContext({
    home,
    env: { HOME: home, ANACONDA_SECRETS_DIR: `${home}/.no-secrets` },
    ...(stdin === undefined ? {} : { stdin }),
  });
}

Deno.test("sites add asks, shows the diff with its header, and writes on y", async () => {
  await withHome(async (home) => {
    const ctx = context(home, "maybe\ny\n");
    const code = await run(["sites", "add", "--domain", "foo.local", "--name", "f"], ctx);
    assert.equal(code, 0, ctx.err());
    const path = joinPath(home, ".anaconda", "config.toml");
    assert.equal(
      ctx.out(),
      `--- ${path}\n+++ ${path}\t${diffDate(ctx.clock.now())}\n@@ -0,0 +1,4 @@\n` +
        '+default_site = "f"\n+\n+[sites.f]\n+domain = "foo.local"\n',
    );
    assert.equal(
      ctx.err(),
      "Confirm: [y/n]: Please enter y or n\nConfirm: [y/n]: " +
        "✓ Added site f (foo.local), now the default; removed site anaconda.com\n",
    );
    assert.equal(
      await Deno.readTextFile(path),
      'default_site = "f"\n\n[sites.f]\ndomain = "foo.local"\n',
    );
  });
});

Deno.test("a change that changes nothing writes nothing and says so", async () => {
  await withHome(async (home) => {
    await Deno.mkdir(`${home}/.anaconda`);
    const path = joinPath(home, ".anaconda", "config.toml");
    const text = '[sites.f]\ndomain = "foo.local"\nssl_verify = false\n';
    await Deno.writeTextFile(path, text);
    const ctx = context(home);
    const code = await run(["sites", "modify", "--name", "f", "--no-ssl-verify", "--yes"], ctx);
    assert.equal(code, 0, ctx.err());
    // default_site is always written, as by the Python tool.
    assert.equal(await Deno.readTextFile(path), `default_site = "f"\n\n${text}`);
    const again = context(home);
    assert.equal(await run(["sites", "modify", "--name", "f", "--no-ssl-verify", "-y"], again), 0);
    assert.equal(again.out(), "");
    assert.equal(again.err(), `No change to ${path}\n`);
    const names = [...Deno.readDirSync(`${home}/.anaconda`)].map((entry) => entry.name);
    assert.equal(names.filter((name) => name.startsWith("config.backup.")).length, 1);
  });
});

Deno.test("--dry-run wins over --yes", async () => {
  await withHome(async (home) => {
    const ctx = context(home);
    assert.equal(await run(["sites", "add", "--domain", "x.com", "--yes", "--dry-run"], ctx), 0);
    assert.ok(ctx.out().includes('+domain = "x.com"'));
    assert.deepEqual([...Deno.readDirSync(home)], []);
  });
});

Deno.test("defaultSiteKey follows a default_site given as a domain", () => {
  const siteEntries = [
    { name: "a", table: { domain: "a.com" } },
    { name: "b", table: { domain: "b.com" } },
  ];
  assert.equal(defaultSiteKey({ siteEntries, defaultSiteName: "b" }), "b");
  assert.equal(defaultSiteKey({ siteEntries, defaultSiteName: "b.com" }), "b");
  assert.equal(
    defaultSiteKey({ siteEntries: [], defaultSiteName: "anaconda.com" }),
    "anaconda.com",
  );
});

Deno.test("tableConfig shows a site's own table over the defaults, hidden fields apart", () => {
  const config = tableConfig(
    { name: "a", table: { domain: "https://a.com/x", api_key: "k", unknown: 1 } },
    { configPath: "/c.toml", homeDir: "/h", cwd: "/h" },
  );
  assert.equal(config.domain, "a.com");
  assert.equal(config.keyring_path, joinPath("/h", ".anaconda", "keyring"));
  const shown = visibleFields(config, false);
  assert.equal(shown.domain, "a.com");
  assert.ok(!("api_key" in shown) && !("unknown" in shown));
  assert.equal(visibleFields(config, true).api_key, "k");
  assert.throws(
    () =>
      tableConfig({ name: "a", table: { use_device_flow: "maybe" } }, {
        configPath: "/c.toml",
        homeDir: "/h",
        cwd: "/h",
      }),
    /\/c\.toml in \[sites\.a\] for use_device_flow/,
  );
});
