import assert from "node:assert/strict";
import { fakeContext } from "../../tests/fake_context.ts";
import { joinPath } from "../../tests/paths.ts";
import { loadSettings } from "./load.ts";
import { hasControlChars } from "../text.ts";
import { ConfigError, UnknownSiteError } from "../errors.ts";

/** Where the config file of `home` is (with the platform's separator). */
const configPath = (home: string) => joinPath(home, ".anaconda", "config.toml");

interface Setup {
  toml?: string;
  env?: Record<string, string>;
  dotenv?: string;
  secrets?: Record<string, string>;
  at?: string;
}

/**
 * Writes the given sources into a temporary HOME and loads the settings from them. Every
 * source is read by then, so the folder is removed at once (its path stays in messages).
 */
async function load(setup: Setup) {
  const home = await Deno.makeTempDir({ prefix: "anaconda-load-" });
  try {
    return await loadFrom(home, setup);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

async function loadFrom(home: string, setup: Setup) {
  const secretsDir = `${home}/secrets`;
  await Deno.mkdir(`${home}/.anaconda`);
  await Deno.mkdir(secretsDir);
  if (setup.toml !== undefined) {
    await Deno.writeTextFile(`${home}/.anaconda/config.toml`, setup.toml);
  }
  if (setup.dotenv !== undefined) await Deno.writeTextFile(`${home}/.env`, setup.dotenv);
  for (const [name, value] of Object.entries(setup.secrets ?? {})) {
    await Deno.writeTextFile(`${secretsDir}/${name}`, `${value}\n`);
  }
  const context = fakeContext({
    home,
    env: { ANACONDA_SECRETS_DIR: secretsDir, ...setup.env },
  });
  const settings = await loadSettings(context, { at: setup.at });
  return { settings, home, context };
}

// Each source sets ssl_verify to a different value; removing the winner shows the next.
const PRECEDENCE: { name: string; setup: Setup }[] = [
  { name: "env", setup: { env: { ANACONDA_AUTH_CLIENT_ID: "from-env" } } },
  { name: "secrets", setup: { secrets: { anaconda_auth_client_id: "from-secrets" } } },
  { name: "dotenv", setup: { dotenv: "ANACONDA_AUTH_CLIENT_ID=from-dotenv\n" } },
  { name: "site", setup: { toml: '[sites.s]\ndomain = "s.example"\nclient_id = "from-site"\n' } },
  { name: "cloud-env", setup: { env: { ANACONDA_CLOUD_CLIENT_ID: "from-cloud-env" } } },
  { name: "plugin.cloud", setup: { toml: '[plugin.cloud]\nclient_id = "from-plugin.cloud"\n' } },
  { name: "plugin", setup: { toml: '[plugin.auth]\nclient_id = "from-plugin"\n' } },
];

function combine(setups: Setup[]): Setup {
  const toml = setups.map((setup) => setup.toml ?? "").join("\n");
  return {
    toml,
    env: Object.assign({}, ...setups.map((setup) => setup.env ?? {})),
    secrets: Object.assign({}, ...setups.map((setup) => setup.secrets ?? {})),
    dotenv: setups.map((setup) => setup.dotenv ?? "").join(""),
  };
}

for (let winner = 0; winner < PRECEDENCE.length; winner++) {
  const present = PRECEDENCE.slice(winner);
  const expected = `from-${PRECEDENCE[winner]!.name}`;
  Deno.test(`${PRECEDENCE[winner]!.name} wins over ${present.slice(1).map((p) => p.name).join(", ") || "the default"}`, async () => {
    const { settings } = await load(combine(present.map((p) => p.setup)));
    assert.deepEqual(settings.site().client_id, expected);
  });
}

Deno.test("the default applies when no source sets a value", async () => {
  const { settings } = await load({});
  const site = settings.site();
  assert.deepEqual(site.client_id, "b4ad7f1d-c784-46b5-a9fe-106e50441f5a");
  assert.deepEqual(site.domain, "anaconda.com");
  assert.deepEqual(site.site, "anaconda.com");
  assert.deepEqual(settings.sourcesOf(site).client_id, { kind: "default" });
});

Deno.test("environment names are case-insensitive and __ nests into lower-cased keys", async () => {
  const { settings } = await load({
    env: { anaconda_auth_ssl_verify: "false", ANACONDA_AUTH_EXTRA_HEADERS__X_FOO: "bar" },
  });
  const site = settings.site();
  assert.deepEqual(site.ssl_verify, false);
  assert.deepEqual(site.extra_headers, { x_foo: "bar" });
});

Deno.test("__ nests after names that end in _ and under nested tables, merged over JSON", async () => {
  const { settings } = await load({
    env: {
      ANACONDA_AUTH_EXTRA_HEADERS: '{"a": "1"}',
      ANACONDA_AUTH_EXTRA_HEADERS___B: "2",
      ANACONDA_AUTH_PROXY_SERVERS__HTTPS: "http://proxy.example:3128",
      ANACONDA_SITES__W__DOMAIN: "w.example",
      ANACONDA_SITES__W__PROXY_SERVERS__HTTP: "http://w-proxy.example",
    },
  });
  const site = settings.site();
  assert.deepEqual(site.extra_headers, { a: "1", _b: "2" });
  assert.deepEqual(site.proxy_servers, { https: "http://proxy.example:3128" });
  assert.deepEqual(settings.siteEntries, [
    {
      name: "w",
      table: { domain: "w.example", proxy_servers: { http: "http://w-proxy.example" } },
    },
  ]);
});

Deno.test("ssl_verify words from the environment are booleans in any case (D3)", async () => {
  for (const [word, expected] of [["FALSE", false], ["yes", true], ["0", false], ["On", true]]) {
    const { settings } = await load({ env: { ANACONDA_AUTH_SSL_VERIFY: word as string } });
    assert.deepEqual(settings.site().ssl_verify, expected);
  }
  const truststore = await load({ env: { ANACONDA_AUTH_SSL_VERIFY: "truststore" } });
  assert.deepEqual(truststore.settings.site().ssl_verify, "truststore");
});

Deno.test("ssl_verify naming a missing CA bundle is an error that names the variable", async () => {
  const { settings } = await load({ env: { ANACONDA_AUTH_SSL_VERIFY: "/no/such/ca.pem" } });
  assert.throws(() => settings.site(), {
    name: "ConfigError",
    message: /environment variable ANACONDA_AUTH_SSL_VERIFY=\/no\/such\/ca\.pem/,
  });
});

Deno.test("an invalid boolean in the environment names the variable and its value", async () => {
  const { settings } = await load({ env: { ANACONDA_AUTH_USE_DEVICE_FLOW: "maybe" } });
  assert.throws(() => settings.site(), {
    name: "ConfigError",
    message: "Error in environment variable ANACONDA_AUTH_USE_DEVICE_FLOW=maybe: " +
      "Input should be a valid boolean, unable to interpret input",
  });
});

Deno.test("an invalid value in config.toml names the file, table and key", async () => {
  const { settings, home } = await load({
    toml: '[plugin.auth]\npreferred_token_storage = "vault"\n',
  });
  assert.throws(() => settings.site(), {
    name: "ConfigError",
    message: `Error in ${configPath(home)} in [plugin.auth] for preferred_token_storage = vault: ` +
      "Input should be 'system' or 'anaconda-keyring'",
  });
});

Deno.test("an invalid secret value is reported without the value", async () => {
  const { settings } = await load({ env: { ANACONDA_AUTH_KEYRING: "not json s3cret" } });
  assert.throws(() => settings.site(), (error: Error) => {
    assert.ok(error instanceof ConfigError);
    assert.equal(error.message.includes("s3cret"), false);
    assert.match(error.message, /ANACONDA_AUTH_KEYRING=<redacted>/);
    return true;
  });
});

Deno.test("an invalid secrets file names the file as it is on disk", async () => {
  const { settings, home } = await load({ secrets: { ANACONDA_AUTH_HASH_HOSTNAME: "maybe" } });
  assert.throws(() => settings.site(), {
    name: "ConfigError",
    message:
      `Error in secrets file ${
        joinPath(`${home}/secrets`, "ANACONDA_AUTH_HASH_HOSTNAME")
      } (maybe): ` +
      "Input should be a valid boolean, unable to interpret input",
  });
});

Deno.test("default_site and sites of the wrong type are errors naming the file", async () => {
  const cases: [string, string][] = [
    ["default_site = 3\n", "for default_site = 3: Input should be a valid string"],
    ["sites = 3\n", "for sites = 3: Input should be a table"],
    ['[sites]\na = "x"\n', 'for sites.a = "x": Input should be a table'],
  ];
  for (const [toml, message] of cases) {
    await assert.rejects(() => load({ toml }), (error: Error) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /^Error in \S+[\\/]\.anaconda[\\/]config\.toml /);
      assert.ok(
        error.message.includes(`${joinPath("", ".anaconda", "config.toml")} ${message}`),
        error.message,
      );
      return true;
    });
  }
});

Deno.test("a TOML syntax error is reported as path:line:col", async () => {
  await assert.rejects(() => load({ toml: "[plugin.auth]\nssl_verify = \n" }), {
    name: "TomlSyntaxError",
    message: /^\S+[\\/]\.anaconda[\\/]config\.toml:2:\d+: \S/,
  });
});

Deno.test("ANACONDA_CONFIG_TOML moves the config file", async () => {
  const { settings, home } = await load({
    env: { ANACONDA_CONFIG_TOML: "$HOME/elsewhere.toml", HOME: "/ignored" },
  });
  assert.deepEqual(settings.configPath, "/ignored/elsewhere.toml");
  const other = await load({ env: { ANACONDA_CONFIG_TOML: "~/x.toml" } });
  assert.deepEqual(other.settings.configPath, joinPath(other.home, "x.toml"));
  void home;
});

Deno.test("domains are normalised to host[:port]", async () => {
  const { settings } = await load({ env: { ANACONDA_AUTH_DOMAIN: "http://localhost:8000/api/x" } });
  assert.deepEqual(settings.site().domain, "localhost:8000");
  const bad = await load({ env: { ANACONDA_AUTH_DOMAIN: "https:///path" } });
  assert.throws(() => bad.settings.site(), {
    name: "ConfigError",
    message: /does not look like a domain name/,
  });
});

const TWO_SITES = `default_site = "b"

[sites.a]
domain = "a.example"
ssl_verify = false

[sites.b]
domain = "b.example"
`;

Deno.test("the default site is used, and --at picks a site by name or by domain", async () => {
  assert.deepEqual((await load({ toml: TWO_SITES })).settings.site().domain, "b.example");
  assert.deepEqual((await load({ toml: TWO_SITES, at: "a" })).settings.site().ssl_verify, false);
  const byDomain = (await load({ toml: TWO_SITES, at: "a.example" })).settings.site();
  assert.deepEqual([byDomain.site, byDomain.domain], ["a", "a.example"]);
});

Deno.test("ANACONDA_DEFAULT_SITE and .env beat default_site in the file", async () => {
  const env = await load({ toml: TWO_SITES, env: { ANACONDA_DEFAULT_SITE: "a" } });
  assert.deepEqual(env.settings.site().site, "a");
  assert.deepEqual(env.settings.defaultSiteName, "a");
  const dotenv = await load({ toml: TWO_SITES, dotenv: "ANACONDA_DEFAULT_SITE=a\n" });
  assert.deepEqual(dotenv.settings.site().site, "a");
});

Deno.test("without default_site the first site in the file is the default", async () => {
  const { settings } = await load({
    toml: '[sites.z]\ndomain = "z.example"\n[sites.y]\ndomain = "y.example"\n',
  });
  assert.deepEqual(settings.defaultSiteName, "z");
  assert.deepEqual(settings.site().domain, "z.example");
});

Deno.test("an unknown site is an error naming the config file", async () => {
  const { settings, home } = await load({ toml: TWO_SITES, at: "nowhere" });
  assert.throws(() => settings.site(), {
    name: "UnknownSiteName",
    message: `The site or domain nowhere has not been configured in ${configPath(home)}`,
  });
});

Deno.test("ANACONDA_AUTH_SITE must name a configured site; the error names the variable", async () => {
  const { settings, home } = await load({ toml: TWO_SITES, env: { ANACONDA_AUTH_SITE: "c" } });
  assert.throws(() => settings.site(), {
    name: "UnknownSiteName",
    message: `The site name c has not been configured in ${configPath(home)} ` +
      "(from environment variable ANACONDA_AUTH_SITE)",
    choices: ["a (a.example)", "b (b.example) [default]"],
  });
});

Deno.test("a default site that is not configured: the error names where the default came from", async () => {
  const toml = TWO_SITES.replace('default_site = "b"', 'default_site = "nope"');
  const file = await load({ toml });
  const path = configPath(file.home);
  assert.throws(() => file.settings.site(), {
    name: "UnknownSiteName",
    message:
      `The site or domain nope has not been configured in ${path} (from default_site in ${path})`,
    choices: ["a (a.example)", "b (b.example)"],
  });
  const env = await load({ toml, env: { ANACONDA_DEFAULT_SITE: "nope" } });
  assert.throws(() => env.settings.site(), {
    name: "UnknownSiteName",
    message: /\(from environment variable ANACONDA_DEFAULT_SITE\)$/,
  });
});

Deno.test("a domain matching two sites is ambiguous", async () => {
  const toml = '[sites.a]\ndomain = "same.example"\n[sites.b]\ndomain = "same.example"\n';
  const { settings } = await load({ toml, env: { ANACONDA_AUTH_DOMAIN: "same.example" } });
  assert.throws(() => settings.site(), {
    name: "ConfigError",
    message: "The domain same.example matches more than one configured site (a, b)",
  });
});

Deno.test("a domain in the environment that no site names gives no site values", async () => {
  const { settings } = await load({
    toml: TWO_SITES,
    env: { ANACONDA_AUTH_DOMAIN: "other.example" },
  });
  const site = settings.site();
  assert.deepEqual([site.site, site.domain, site.ssl_verify], [
    "other.example",
    "other.example",
    true,
  ]);
});

Deno.test("with no sites, anaconda.com is the implicit site", async () => {
  const { settings } = await load({ toml: "" });
  assert.deepEqual(settings.allSites().map((site) => site.site), ["anaconda.com"]);
  assert.deepEqual(settings.siteFor("anaconda.com").domain, "anaconda.com");
});

Deno.test("ANACONDA_SITES__<name>__<key> adds to the sites of the file", async () => {
  const { settings } = await load({
    toml: TWO_SITES,
    env: { ANACONDA_SITES__C__DOMAIN: "c.example", ANACONDA_SITES__A__DOMAIN: "a2.example" },
  });
  assert.deepEqual(settings.siteEntries.map((entry) => entry.name), ["a", "b", "c"]);
  assert.deepEqual(settings.siteFor("a").domain, "a2.example");
});

Deno.test("legacy [plugin.cloud] is read with a deprecation warning on stderr", async () => {
  const { settings, context } = await load({ toml: '[plugin.cloud]\nclient_id = "legacy"\n' });
  assert.deepEqual(settings.site().client_id, "legacy");
  assert.match(context.err(), /DeprecationWarning: \[plugin\.cloud\]/);
  assert.deepEqual(context.out(), "");
});

Deno.test("keyring_path expands ~ and is absolute", async () => {
  const { settings, home } = await load({ toml: '[plugin.auth]\nkeyring_path = "~/k/ring"\n' });
  assert.deepEqual(settings.site().keyring_path, joinPath(home, "k/ring"));
});

Deno.test("sources say where each value came from", async () => {
  const { settings, home } = await load({
    toml: TWO_SITES,
    env: { ANACONDA_AUTH_CLIENT_ID: "x" },
    at: "a",
  });
  const site = settings.site();
  const sources = settings.sourcesOf(site);
  assert.deepEqual(sources.client_id, { kind: "env", name: "ANACONDA_AUTH_CLIENT_ID" });
  assert.deepEqual(sources.ssl_verify, {
    kind: "file",
    path: configPath(home),
    table: "sites.a",
    key: "ssl_verify",
  });
});

Deno.test("an invalid domain is a ConfigError naming the variable, the file or the key", async () => {
  for (const value of ["http://x y", "::::", "a.com:99999", "[::1"]) {
    const { settings } = await load({ env: { ANACONDA_AUTH_DOMAIN: value } });
    assert.throws(() => settings.site(), (error: Error) => {
      assert.ok(error instanceof ConfigError);
      assert.ok(
        error.message.startsWith(
          `Error in environment variable ANACONDA_AUTH_DOMAIN=${value}: ${value} does not look like a domain name`,
        ),
        error.message,
      );
      return true;
    });
  }
  const { settings, home } = await load({ toml: '[sites.s]\ndomain = "a.com:99999"\n' });
  assert.throws(() => settings.site(), (error: Error) => {
    assert.ok(error instanceof ConfigError);
    assert.ok(
      error.message.startsWith(
        `Error in ${configPath(home)} in [sites.s] for domain = a.com:99999: `,
      ),
      error.message,
    );
    return true;
  });
});

Deno.test("a site name with control characters in config.toml is an error naming the file", async () => {
  const toml = '[sites."a\\u001b[2Jb"]\ndomain = "a.com"\n';
  await assert.rejects(() => load({ toml }), (error: Error) => {
    assert.ok(error instanceof ConfigError);
    assert.match(
      error.message,
      /^Error in \S+[\\/]\.anaconda[\\/]config\.toml: the site name "a\\x1b\[2Jb" contains control characters/,
    );
    assert.equal(hasControlChars(error.message), false);
    return true;
  });
});

Deno.test("a site name with control characters in ANACONDA_SITES is an error naming it", async () => {
  const env = { ANACONDA_SITES: JSON.stringify({ "x\ny": { domain: "x.com" } }) };
  await assert.rejects(() => load({ env }), (error: Error) => {
    assert.ok(error instanceof ConfigError);
    assert.ok(
      error.message.startsWith(
        'Error in environment variable ANACONDA_SITES: the site name "x\\x0ay" contains',
      ),
      error.message,
    );
    return true;
  });
});

Deno.test("names quoted in site errors are printed with control characters escaped", async () => {
  const { settings } = await load({ toml: TWO_SITES, at: "no\u001b[2Jpe" });
  assert.throws(() => settings.site(), (error: Error) => {
    assert.ok(error instanceof UnknownSiteError);
    assert.ok(error.message.startsWith("The site or domain no\\x1b[2Jpe has not been configured"));
    return true;
  });
  const env = await load({ toml: TWO_SITES, env: { ANACONDA_AUTH_SITE: "c\r\nd" } });
  assert.throws(() => env.settings.site(), (error: Error) => {
    assert.ok(error instanceof UnknownSiteError);
    assert.ok(error.message.startsWith("The site name c\\x0d\\x0ad has not"), error.message);
    return true;
  });
});

Deno.test("--at with ANACONDA_AUTH_DOMAIN: the environment wins and one note says so", async () => {
  const { settings, context } = await load({
    toml: TWO_SITES,
    at: "a",
    env: { ANACONDA_AUTH_DOMAIN: "example.com" },
  });
  const site = settings.site();
  assert.deepEqual([site.site, site.domain, site.ssl_verify], ["example.com", "example.com", true]);
  settings.site();
  assert.deepEqual(
    context.err(),
    'Note: ANACONDA_AUTH_DOMAIN=example.com overrides the domain of site "a" chosen by --at\n',
  );
});

Deno.test("--at with ANACONDA_AUTH_SITE: the environment wins and one note says so", async () => {
  const { settings, context } = await load({
    toml: TWO_SITES,
    at: "a",
    dotenv: "ANACONDA_AUTH_SITE=b\n",
  });
  assert.deepEqual(settings.site().site, "b");
  assert.match(
    context.err(),
    /^Note: ANACONDA_AUTH_SITE=b \(from \S+[\\/]\.env\) overrides the site "a" chosen by --at\n$/,
  );
});

Deno.test("--at with an environment that agrees with it prints no note", async () => {
  const same = await load({
    toml: TWO_SITES,
    at: "a",
    env: { ANACONDA_AUTH_DOMAIN: "a.example", ANACONDA_AUTH_SITE: "a" },
  });
  assert.deepEqual(same.settings.site().site, "a");
  const noAt = await load({ toml: TWO_SITES, env: { ANACONDA_AUTH_DOMAIN: "example.com" } });
  assert.deepEqual(noAt.settings.site().domain, "example.com");
  assert.deepEqual(same.context.err() + noAt.context.err(), "");
});

Deno.test("an unknown --at is an error even when ANACONDA_AUTH_DOMAIN or _SITE is set", async () => {
  const envs: Record<string, string>[] = [
    { ANACONDA_AUTH_DOMAIN: "example.com" },
    { ANACONDA_AUTH_SITE: "a" },
  ];
  for (const env of envs) {
    const { settings, home } = await load({ toml: TWO_SITES, at: "nosuch", env });
    assert.throws(() => settings.site(), {
      name: "UnknownSiteName",
      message: `The site or domain nosuch has not been configured in ${configPath(home)}`,
    });
  }
});

Deno.test({
  name: "Kubernetes-style secrets (links into ..data/) are followed",
  ignore: Deno.build.os === "windows",
  async fn() {
    const home = await Deno.makeTempDir({ prefix: "anaconda-load-" });
    try {
      const dir = `${home}/secrets`;
      // As the kubelet mounts a Secret: a timestamped folder, ..data -> it, each key -> ..data/key.
      await Deno.mkdir(`${dir}/..2026_01_02_03_04_05.123`, { recursive: true });
      await Deno.writeTextFile(`${dir}/..2026_01_02_03_04_05.123/anaconda_auth_client_id`, "k8s\n");
      await Deno.symlink("..2026_01_02_03_04_05.123", `${dir}/..data`);
      await Deno.symlink("..data/anaconda_auth_client_id", `${dir}/anaconda_auth_client_id`);
      const context = fakeContext({ home, env: { ANACONDA_SECRETS_DIR: dir } });
      const settings = await loadSettings(context, {});
      assert.deepEqual(settings.site().client_id, "k8s");
      assert.deepEqual(context.err(), "");
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});
