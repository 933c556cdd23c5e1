import {
  assertEquals,
  assertMatch,
  assertRejects,
  assertStringIncludes,
  assertThrows,
} from "../../tests/assert.ts";
import { fakeContext } from "../../tests/fake_context.ts";
import { escapeRegExp, joinPath } from "../../tests/paths.ts";
import { loadSettings } from "./load.ts";
import { hasControlChars } from "../text.ts";
import { ConfigError, TomlSyntaxError, UnknownSiteError } from "../errors.ts";

/** Where the config file of `home` is (with the platform's separator). */
const configPath = (home: string) => joinPath(home, ".anaconda", "config.toml");

interface Setup {
  toml?: string;
  env?: Record<string, string>;
  dotenv?: string;
  secrets?: Record<string, string>;
  at?: string;
}

/** Writes the given sources into a temporary HOME and loads the settings from them. */
async function load(setup: Setup) {
  const home = await Deno.makeTempDir({ prefix: "anaconda-load-" });
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
    assertEquals(settings.site().client_id, expected);
  });
}

Deno.test("the default applies when no source sets a value", async () => {
  const { settings } = await load({});
  const site = settings.site();
  assertEquals(site.client_id, "b4ad7f1d-c784-46b5-a9fe-106e50441f5a");
  assertEquals(site.domain, "anaconda.com");
  assertEquals(site.site, "anaconda.com");
  assertEquals(settings.sourcesOf(site).client_id, { kind: "default" });
});

Deno.test("environment names are case-insensitive and __ nests into lower-cased keys", async () => {
  const { settings } = await load({
    env: { anaconda_auth_ssl_verify: "false", ANACONDA_AUTH_EXTRA_HEADERS__X_FOO: "bar" },
  });
  const site = settings.site();
  assertEquals(site.ssl_verify, false);
  assertEquals(site.extra_headers, { x_foo: "bar" });
});

Deno.test("ssl_verify words from the environment are booleans in any case (A3)", async () => {
  for (const [word, expected] of [["FALSE", false], ["yes", true], ["0", false], ["On", true]]) {
    const { settings } = await load({ env: { ANACONDA_AUTH_SSL_VERIFY: word as string } });
    assertEquals(settings.site().ssl_verify, expected);
  }
  const truststore = await load({ env: { ANACONDA_AUTH_SSL_VERIFY: "truststore" } });
  assertEquals(truststore.settings.site().ssl_verify, "truststore");
});

Deno.test("ssl_verify naming a missing CA bundle is an error that names the variable", async () => {
  const { settings } = await load({ env: { ANACONDA_AUTH_SSL_VERIFY: "/no/such/ca.pem" } });
  const error = assertThrows(() => settings.site(), ConfigError);
  assertMatch(error.message, /environment variable ANACONDA_AUTH_SSL_VERIFY=\/no\/such\/ca\.pem/);
});

Deno.test("an invalid boolean in the environment names the variable and its value", async () => {
  const { settings } = await load({ env: { ANACONDA_AUTH_USE_DEVICE_FLOW: "maybe" } });
  const error = assertThrows(() => settings.site(), ConfigError);
  assertEquals(
    error.message,
    "Error in environment variable ANACONDA_AUTH_USE_DEVICE_FLOW=maybe: " +
      "Input should be a valid boolean, unable to interpret input",
  );
});

Deno.test("an invalid value in config.toml names the file, table and key", async () => {
  const { settings, home } = await load({
    toml: '[plugin.auth]\npreferred_token_storage = "vault"\n',
  });
  const error = assertThrows(() => settings.site(), ConfigError);
  assertEquals(
    error.message,
    `Error in ${configPath(home)} in [plugin.auth] for preferred_token_storage = vault: ` +
      "Input should be 'system' or 'anaconda-keyring'",
  );
});

Deno.test("an invalid secret value is reported without the value", async () => {
  const { settings } = await load({ env: { ANACONDA_AUTH_KEYRING: "not json s3cret" } });
  const error = assertThrows(() => settings.site(), ConfigError);
  assertEquals(error.message.includes("s3cret"), false);
  assertMatch(error.message, /ANACONDA_AUTH_KEYRING=<redacted>/);
});

Deno.test("an invalid secrets file names the file as it is on disk", async () => {
  const { settings, home } = await load({ secrets: { ANACONDA_AUTH_HASH_HOSTNAME: "maybe" } });
  const error = assertThrows(() => settings.site(), ConfigError);
  assertEquals(
    error.message,
    `Error in secrets file ${
      joinPath(`${home}/secrets`, "ANACONDA_AUTH_HASH_HOSTNAME")
    } (maybe): ` +
      "Input should be a valid boolean, unable to interpret input",
  );
});

Deno.test("default_site and sites of the wrong type are errors naming the file", async () => {
  const cases: [string, string][] = [
    ["default_site = 3\n", "for default_site = 3: Input should be a valid string"],
    ["sites = 3\n", "for sites = 3: Input should be a table"],
    ['[sites]\na = "x"\n', 'for sites.a = "x": Input should be a table'],
  ];
  for (const [toml, message] of cases) {
    const home = await Deno.makeTempDir({ prefix: "anaconda-load-" });
    await Deno.mkdir(`${home}/.anaconda`);
    await Deno.writeTextFile(`${home}/.anaconda/config.toml`, toml);
    const error = await assertRejects(() => loadSettings(fakeContext({ home }), {}), ConfigError);
    assertEquals(error.message, `Error in ${configPath(home)} ${message}`);
  }
});

Deno.test("a TOML syntax error is reported as path:line:col", async () => {
  const home = await Deno.makeTempDir();
  await Deno.mkdir(`${home}/.anaconda`);
  await Deno.writeTextFile(`${home}/.anaconda/config.toml`, "[plugin.auth]\nssl_verify = \n");
  const error = await assertRejects(
    () => loadSettings(fakeContext({ home }), {}),
    TomlSyntaxError,
  );
  assertMatch(error.message, new RegExp(`^${escapeRegExp(configPath(home))}:2:\\d+: \\S`));
});

Deno.test("ANACONDA_CONFIG_TOML moves the config file", async () => {
  const { settings, home } = await load({
    env: { ANACONDA_CONFIG_TOML: "$HOME/elsewhere.toml", HOME: "/ignored" },
  });
  assertEquals(settings.configPath, "/ignored/elsewhere.toml");
  const other = await load({ env: { ANACONDA_CONFIG_TOML: "~/x.toml" } });
  assertEquals(other.settings.configPath, joinPath(other.home, "x.toml"));
  void home;
});

Deno.test("domains are normalised to host[:port]", async () => {
  const { settings } = await load({ env: { ANACONDA_AUTH_DOMAIN: "http://localhost:8000/api/x" } });
  assertEquals(settings.site().domain, "localhost:8000");
  const bad = await load({ env: { ANACONDA_AUTH_DOMAIN: "https:///path" } });
  assertThrows(() => bad.settings.site(), ConfigError, "does not look like a domain name");
});

const TWO_SITES = `default_site = "b"

[sites.a]
domain = "a.example"
ssl_verify = false

[sites.b]
domain = "b.example"
`;

Deno.test("the default site is used, and --at picks a site by name or by domain", async () => {
  assertEquals((await load({ toml: TWO_SITES })).settings.site().domain, "b.example");
  assertEquals((await load({ toml: TWO_SITES, at: "a" })).settings.site().ssl_verify, false);
  const byDomain = (await load({ toml: TWO_SITES, at: "a.example" })).settings.site();
  assertEquals([byDomain.site, byDomain.domain], ["a", "a.example"]);
});

Deno.test("ANACONDA_DEFAULT_SITE and .env beat default_site in the file", async () => {
  const env = await load({ toml: TWO_SITES, env: { ANACONDA_DEFAULT_SITE: "a" } });
  assertEquals(env.settings.site().site, "a");
  assertEquals(env.settings.defaultSiteName, "a");
  const dotenv = await load({ toml: TWO_SITES, dotenv: "ANACONDA_DEFAULT_SITE=a\n" });
  assertEquals(dotenv.settings.site().site, "a");
});

Deno.test("without default_site the first site in the file is the default", async () => {
  const { settings } = await load({
    toml: '[sites.z]\ndomain = "z.example"\n[sites.y]\ndomain = "y.example"\n',
  });
  assertEquals(settings.defaultSiteName, "z");
  assertEquals(settings.site().domain, "z.example");
});

Deno.test("an unknown site is an error naming the config file", async () => {
  const { settings, home } = await load({ toml: TWO_SITES, at: "nowhere" });
  const error = assertThrows(() => settings.site(), UnknownSiteError);
  assertEquals(
    error.message,
    `The site or domain nowhere has not been configured in ${configPath(home)}`,
  );
});

Deno.test("ANACONDA_AUTH_SITE must name a configured site", async () => {
  const { settings, home } = await load({ toml: TWO_SITES, env: { ANACONDA_AUTH_SITE: "c" } });
  const error = assertThrows(() => settings.site(), UnknownSiteError);
  assertEquals(
    error.message,
    `The site name c has not been configured in ${configPath(home)}`,
  );
});

Deno.test("a domain matching two sites is ambiguous", async () => {
  const toml = '[sites.a]\ndomain = "same.example"\n[sites.b]\ndomain = "same.example"\n';
  const { settings } = await load({ toml, env: { ANACONDA_AUTH_DOMAIN: "same.example" } });
  assertThrows(
    () => settings.site(),
    ConfigError,
    "The domain same.example matches more than one configured site (a, b)",
  );
});

Deno.test("a domain in the environment that no site names gives no site values", async () => {
  const { settings } = await load({
    toml: TWO_SITES,
    env: { ANACONDA_AUTH_DOMAIN: "other.example" },
  });
  const site = settings.site();
  assertEquals([site.site, site.domain, site.ssl_verify], ["other.example", "other.example", true]);
});

Deno.test("with no sites, anaconda.com is the implicit site", async () => {
  const { settings } = await load({ toml: "" });
  assertEquals(settings.allSites().map((site) => site.site), ["anaconda.com"]);
  assertEquals(settings.siteFor("anaconda.com").domain, "anaconda.com");
});

Deno.test("ANACONDA_SITES__<name>__<key> adds to the sites of the file", async () => {
  const { settings } = await load({
    toml: TWO_SITES,
    env: { ANACONDA_SITES__C__DOMAIN: "c.example", ANACONDA_SITES__A__DOMAIN: "a2.example" },
  });
  assertEquals(settings.siteEntries.map((entry) => entry.name), ["a", "b", "c"]);
  assertEquals(settings.siteFor("a").domain, "a2.example");
});

Deno.test("legacy [plugin.cloud] is read with a deprecation warning on stderr", async () => {
  const { settings, context } = await load({ toml: '[plugin.cloud]\nclient_id = "legacy"\n' });
  assertEquals(settings.site().client_id, "legacy");
  assertMatch(context.err(), /DeprecationWarning: \[plugin\.cloud\]/);
  assertEquals(context.out(), "");
});

Deno.test("keyring_path expands ~ and is absolute", async () => {
  const { settings, home } = await load({ toml: '[plugin.auth]\nkeyring_path = "~/k/ring"\n' });
  assertEquals(settings.site().keyring_path, joinPath(home, "k/ring"));
});

Deno.test("sources say where each value came from", async () => {
  const { settings, home } = await load({
    toml: TWO_SITES,
    env: { ANACONDA_AUTH_CLIENT_ID: "x" },
    at: "a",
  });
  const site = settings.site();
  const sources = settings.sourcesOf(site);
  assertEquals(sources.client_id, { kind: "env", name: "ANACONDA_AUTH_CLIENT_ID" });
  assertEquals(sources.ssl_verify, {
    kind: "file",
    path: configPath(home),
    table: "sites.a",
    key: "ssl_verify",
  });
});

Deno.test("an invalid domain is a ConfigError naming the variable, the file or the key", async () => {
  for (const value of ["http://x y", "::::", "a.com:99999", "[::1"]) {
    const { settings } = await load({ env: { ANACONDA_AUTH_DOMAIN: value } });
    assertThrows(
      () => settings.site(),
      ConfigError,
      `Error in environment variable ANACONDA_AUTH_DOMAIN=${value}: ${value} does not look like a domain name`,
    );
  }
  const { settings, home } = await load({ toml: '[sites.s]\ndomain = "a.com:99999"\n' });
  assertThrows(
    () => settings.site(),
    ConfigError,
    `Error in ${configPath(home)} in [sites.s] for domain = a.com:99999: `,
  );
});

Deno.test("a site name with control characters in config.toml is an error naming the file", async () => {
  const toml = '[sites."a\\u001b[2Jb"]\ndomain = "a.com"\n';
  const error = await assertRejects(() => load({ toml }), ConfigError);
  assertMatch(
    error.message,
    /^Error in \S+[\\/]\.anaconda[\\/]config\.toml: the site name "a\\x1b\[2Jb" contains control characters/,
  );
  assertEquals(hasControlChars(error.message), false);
});

Deno.test("a site name with control characters in ANACONDA_SITES is an error naming it", async () => {
  const env = { ANACONDA_SITES: JSON.stringify({ "x\ny": { domain: "x.com" } }) };
  await assertRejects(
    () => load({ env }),
    ConfigError,
    'Error in environment variable ANACONDA_SITES: the site name "x\\x0ay" contains',
  );
});

Deno.test("names quoted in site errors are printed with control characters escaped", async () => {
  const { settings } = await load({ toml: TWO_SITES, at: "no\u001b[2Jpe" });
  const error = assertThrows(() => settings.site(), UnknownSiteError);
  assertStringIncludes(error.message, "The site or domain no\\x1b[2Jpe has not been configured");
  const env = await load({ toml: TWO_SITES, env: { ANACONDA_AUTH_SITE: "c\r\nd" } });
  assertThrows(() => env.settings.site(), UnknownSiteError, "The site name c\\x0d\\x0ad has not");
});

Deno.test("--at with ANACONDA_AUTH_DOMAIN: the environment wins and one note says so", async () => {
  const { settings, context } = await load({
    toml: TWO_SITES,
    at: "a",
    env: { ANACONDA_AUTH_DOMAIN: "example.com" },
  });
  const site = settings.site();
  assertEquals([site.site, site.domain, site.ssl_verify], ["example.com", "example.com", true]);
  settings.site();
  assertEquals(
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
  assertEquals(settings.site().site, "b");
  assertMatch(
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
  assertEquals(same.settings.site().site, "a");
  const noAt = await load({ toml: TWO_SITES, env: { ANACONDA_AUTH_DOMAIN: "example.com" } });
  assertEquals(noAt.settings.site().domain, "example.com");
  assertEquals(same.context.err() + noAt.context.err(), "");
});

Deno.test("an unknown --at is an error even when ANACONDA_AUTH_DOMAIN or _SITE is set", async () => {
  const envs: Record<string, string>[] = [
    { ANACONDA_AUTH_DOMAIN: "example.com" },
    { ANACONDA_AUTH_SITE: "a" },
  ];
  for (const env of envs) {
    const { settings, home } = await load({ toml: TWO_SITES, at: "nosuch", env });
    const error = assertThrows(() => settings.site(), UnknownSiteError);
    assertEquals(
      error.message,
      `The site or domain nosuch has not been configured in ${configPath(home)}`,
    );
  }
});
