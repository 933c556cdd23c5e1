/**
 * anaconda-client's configuration as config.ts reads it (binstar_client's
 * `get_config`): the search path per OS, later files winning, `default_site`'s table,
 * `ssl_verify` / `verify_ssl` with YAML 1.1 booleans, and bad files skipped with a warning.
 */
import assert from "node:assert/strict";
import { fakeContext } from "../../tests/fake_context.ts";
import { tempHome } from "../../tests/support.ts";
import { escapeRegExp, joinPath } from "../../tests/paths.ts";
import { ConfigError } from "../errors.ts";
import { configSearchPath, DEFAULT_ORG_URL, loadOrgConfig } from "./config.ts";

async function write(path: string, text: string): Promise<void> {
  await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  await Deno.writeTextFile(path, text);
}

/** A context in `home` whose system-wide data folder is inside it too. */
function contextIn(home: string, env: Record<string, string> = {}) {
  return fakeContext({ home, env: { XDG_DATA_DIRS: `${home}/share:/usr/share`, ...env } });
}

const systemConfigExists = (() => {
  try {
    Deno.statSync("/etc/anaconda-client");
    return true;
  } catch {
    return false;
  }
})();

Deno.test("the search path follows anaconda-client on each OS", () => {
  const linux = fakeContext({
    home: "/home/u",
    env: { CONDA_PREFIX: "/opt/env", CONDA_ROOT: "/opt/conda", XDG_CONFIG_HOME: "/cfg" },
  });
  // Joined with the separator of the OS the test runs on.
  assert.deepEqual(configSearchPath(linux), [
    joinPath("/usr/local/share", "binstar"),
    "/etc/anaconda-client",
    joinPath("/opt/conda", "etc", "anaconda-client"),
    joinPath("/cfg", "binstar"),
    joinPath("/home/u", ".continuum/anaconda-client"),
    joinPath("/opt/env", "etc", "anaconda-client"),
  ]);
  const mac = fakeContext({ home: "/Users/u", os: "darwin" });
  assert.deepEqual(configSearchPath(mac), [
    "/Library/Application Support/binstar",
    "/etc/anaconda-client",
    joinPath("/Users/u", "Library", "Application Support", "binstar"),
    joinPath("/Users/u", ".continuum/anaconda-client"),
  ]);
  const custom = fakeContext({ home: "/home/u", env: { BINSTAR_CONFIG_DIR: "/b" } });
  // Its data and config folders are one: read once.
  assert.deepEqual(configSearchPath(custom), [
    joinPath("/b", "data"),
    "/etc/anaconda-client",
    joinPath("/home/u", ".continuum/anaconda-client"),
  ]);
});

Deno.test({
  name: "without config files: https://api.anaconda.org, TLS verified, no site",
  ignore: systemConfigExists,
  async fn() {
    await using home = await tempHome();
    const context = contextIn(home.path);
    assert.deepEqual(await loadOrgConfig(context), {
      url: DEFAULT_ORG_URL,
      urlSource: "the default",
      sslVerify: true,
      sslVerifySource: "the default",
      site: null,
    });
    assert.equal(context.err(), "");
  },
});

Deno.test({
  name:
    "later files win: system data dir, user config dir (its YAML files sorted), ~/.continuum, $CONDA_PREFIX",
  // The Linux search path in a temporary folder: a Windows path (C:...) cannot be an
  // entry of the `:`-separated XDG_DATA_DIRS.
  ignore: systemConfigExists || Deno.build.os === "windows",
  async fn() {
    await using home = await tempHome();
    const h = home.path;
    await write(
      `${h}/share/binstar/config.yaml`,
      "url: https://system.example\nssl_verify: false\n",
    );
    await write(`${h}/.config/binstar/b.yml`, "url: https://user-b.example\n");
    await write(`${h}/.config/binstar/a.yaml`, "url: https://user-a.example\n");
    // conda's token files share that folder; they are not config.
    await write(`${h}/.config/binstar/https%3A%2F%2Fx.token`, "secret");
    const context = contextIn(h);
    assert.deepEqual(await loadOrgConfig(context), {
      url: "https://user-b.example",
      urlSource: `${h}/.config/binstar/b.yml`,
      sslVerify: false,
      sslVerifySource: `${h}/share/binstar/config.yaml`,
      site: null,
    });
    await write(`${h}/.continuum/anaconda-client/config.yaml`, "url: https://continuum.example\n");
    await write(`${h}/env/etc/anaconda-client/config.yaml`, "ssl_verify: /ca.pem\n");
    const inEnv = contextIn(h, { CONDA_PREFIX: `${h}/env` });
    assert.deepEqual(await loadOrgConfig(inEnv), {
      url: "https://continuum.example",
      urlSource: `${h}/.continuum/anaconda-client/config.yaml`,
      sslVerify: "/ca.pem",
      sslVerifySource: `${h}/env/etc/anaconda-client/config.yaml`,
      site: null,
    });
  },
});

Deno.test({
  name: "default_site's table overrides the top level; an unknown site is a warning",
  ignore: systemConfigExists,
  async fn() {
    await using home = await tempHome();
    const path = `${home.path}/.continuum/anaconda-client/config.yaml`;
    await write(
      path,
      "url: https://top.example\ndefault_site: corp\nsites:\n" +
        "  corp:\n    url: https://anaconda.corp.example/api\n    ssl_verify: /corp-ca.pem\n",
    );
    const context = contextIn(home.path);
    // As the reader names it: joined with the platform's separator.
    const shown = joinPath(home.path, ".continuum/anaconda-client", "config.yaml");
    assert.deepEqual(await loadOrgConfig(context), {
      url: "https://anaconda.corp.example/api",
      urlSource: `sites.corp in ${shown}`,
      sslVerify: "/corp-ca.pem",
      sslVerifySource: `sites.corp in ${shown}`,
      site: "corp",
    });
    await write(path, "url: https://top.example\ndefault_site: gone\n");
    const warned = contextIn(home.path);
    assert.equal((await loadOrgConfig(warned)).url, "https://top.example");
    assert.equal(
      warned.err(),
      'Warning: the anaconda-client site "gone" (default_site) is not configured; using the top-level settings\n',
    );
  },
});

Deno.test({
  name: "ssl_verify reads YAML 1.1 booleans; verify_ssl counts only when ssl_verify is null",
  ignore: systemConfigExists,
  async fn() {
    await using home = await tempHome();
    const path = `${home.path}/.continuum/anaconda-client/config.yaml`;
    const cases: [string, boolean | string][] = [
      ["ssl_verify: no\n", false],
      ["ssl_verify: off\n", false],
      ["ssl_verify: yes\n", true],
      ["verify_ssl: false\n", true],
      ["ssl_verify: null\nverify_ssl: false\n", false],
    ];
    for (const [text, expected] of cases) {
      await write(path, text);
      assert.equal((await loadOrgConfig(contextIn(home.path))).sslVerify, expected, text);
    }
  },
});

Deno.test({
  name: "a file that is not YAML or not a mapping is skipped with a warning; a bad url is an error",
  ignore: systemConfigExists,
  async fn() {
    await using home = await tempHome();
    const user = `${home.path}/.config/binstar/config.yaml`;
    const continuum = `${home.path}/.continuum/anaconda-client/config.yaml`;
    await write(user, "url: [unclosed\n");
    await write(continuum, "- a list\n");
    const context = contextIn(home.path);
    assert.equal((await loadOrgConfig(context)).url, DEFAULT_ORG_URL);
    const warnings = context.err().split("\n").filter(Boolean);
    assert.equal(warnings.length, 2, context.err());
    // As the reader names them: joined with the platform's separator.
    const userShown = joinPath(home.path, ".config", "binstar", "config.yaml");
    const continuumShown = joinPath(home.path, ".continuum/anaconda-client", "config.yaml");
    assert.match(
      warnings[0]!,
      new RegExp(
        `^Warning: the anaconda-client config file ${
          escapeRegExp(userShown)
        } is ignored: not valid YAML: `,
      ),
    );
    assert.equal(
      warnings[1],
      `Warning: the anaconda-client config file ${continuumShown} is ignored: not a YAML mapping`,
    );
    await write(continuum, "url: 42\n");
    await assert.rejects(() => loadOrgConfig(contextIn(home.path)), (error: Error) => {
      assert.ok(error instanceof ConfigError);
      assert.ok(
        error.message.includes(`url in ${continuumShown} is not an API URL: 42`),
        error.message,
      );
      return true;
    });
  },
});
