import assert from "node:assert/strict";
import { fakeContext } from "../../tests/fake_context.ts";
import { checkConfig } from "./config_check.ts";
import { diagnose } from "./mod.ts";
import { joinPath } from "../path.ts";

/** The config file and `.env` as the doctor shows them (the platform's separator). */
const CONFIG = joinPath("~", ".anaconda", "config.toml");
const DOTENV = joinPath("~", ".env");

/** A temporary HOME (also the working folder) with `files` in it; removed afterwards. */
async function withHome(
  files: Record<string, string>,
  body: (home: string) => Promise<void>,
): Promise<void> {
  const home = await Deno.makeTempDir({ prefix: "doctor-config-" });
  try {
    for (const [path, text] of Object.entries(files)) {
      await Deno.mkdir(`${home}/${path}`.replace(/\/[^/]*$/, ""), { recursive: true });
      await Deno.writeTextFile(`${home}/${path}`, text);
    }
    await body(home);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

function context(home: string, env: Record<string, string> = {}) {
  return fakeContext({ home, env: { ANACONDA_SECRETS_DIR: `${home}/no-secrets`, ...env } });
}

Deno.test("config: keys and variables nothing reads, and verification off from .env, name their place", async () => {
  const files = {
    ".anaconda/config.toml": [
      'defualt_site = "work"',
      "[plugin.auth]",
      "timeout = 5",
      'colour = "blue"',
      "[sites.work]",
      'domain = "work.example"',
      "ssl_verfy = false",
      "",
    ].join("\n"),
    ".env": "ANACONDA_AUTH_SSL_VERIFY=false\n",
  };
  await withHome(files, async (home) => {
    const { result, subject } = await checkConfig(
      context(home, { ANACONDA_AUTH_TIMOUT: "3" }),
      "work",
    );
    assert.equal(subject?.config.site, "work");
    assert.equal(result.status, "warn");
    assert.equal(
      result.summary,
      `${CONFIG} has keys nothing reads: defualt_site (top level), colour in ` +
        "[plugin.auth], ssl_verfy in [sites.work]; variables nothing reads: " +
        "ANACONDA_AUTH_TIMOUT; certificate verification is off (ssl_verify = false from " +
        `ANACONDA_AUTH_SSL_VERIFY in ${DOTENV})`,
    );
    assert.equal(
      result.fix,
      [
        `remove them from ${CONFIG} or correct their names (the settings a ` +
        "site takes: anaconda sites show --show-hidden)",
        "unset them or correct their names (ANACONDA_AUTH_<SETTING>, the settings of " +
        "anaconda sites show --show-hidden)",
        `remove ANACONDA_AUTH_SSL_VERIFY from ${DOTENV}; to trust a private CA instead: ` +
        "anaconda sites modify --at work --ca-bundle PATH",
      ].join("\n"),
    );
  });
});

Deno.test("config: says which site was chosen and why", async () => {
  const sites = '[sites.one]\ndomain = "one.example"\n[sites.two]\ndomain = "two.example"\n';
  const cases: [string, Record<string, string>, string | undefined, RegExp][] = [
    [
      sites,
      {},
      undefined,
      /^site "one" \(one\.example\), the first site of ~[\\/]\.anaconda[\\/]config\.toml;/,
    ],
    [
      `default_site = "two"\n${sites}`,
      {},
      undefined,
      /^site "two" .*, chosen by default_site in ~[\\/]\.anaconda[\\/]config\.toml;/,
    ],
    [
      sites,
      { ANACONDA_DEFAULT_SITE: "two" },
      undefined,
      /^site "two" .*, chosen by ANACONDA_DEFAULT_SITE;/,
    ],
    [sites, {}, "two", /^site "two" .*, chosen by --at;/],
    [
      sites,
      { ANACONDA_AUTH_SITE: "one" },
      "two",
      /^site "one" .*, chosen by ANACONDA_AUTH_SITE \(ANACONDA_AUTH_SITE=one overrides the site "two" chosen by --at\);/,
    ],
    ["", {}, undefined, /^site "anaconda\.com" \(anaconda\.com\), the built-in default;/],
  ];
  for (const [toml, env, at, expected] of cases) {
    await withHome({ ".anaconda/config.toml": toml }, async (home) => {
      const { result } = await checkConfig(context(home, env), at);
      assert.equal(result.status, "ok", result.summary);
      assert.match(result.summary, expected);
    });
  }
});

Deno.test("config: the legacy [plugin.cloud] table is a warning with the rename to make", async () => {
  await withHome(
    { ".anaconda/config.toml": '[plugin.cloud]\ndomain = "old.example"\n' },
    async (home) => {
      const ctx = context(home);
      const { result } = await checkConfig(ctx, undefined);
      assert.equal(result.status, "warn");
      assert.match(result.summary, /\[plugin\.cloud\] and ANACONDA_CLOUD_\* are deprecated/);
      assert.equal(
        result.fix,
        "rename [plugin.cloud] to [plugin.auth] in config.toml, and ANACONDA_CLOUD_* variables " +
          "to ANACONDA_AUTH_*",
      );
      assert.equal(ctx.err(), "", "reported in the check, not printed");
    },
  );
});

Deno.test("config: ANACONDA_AUTH_ALLOW_INSECURE_HTTP, the variable the client obeys, is a warning", async () => {
  await withHome({}, async (home) => {
    const env = { ANACONDA_AUTH_ALLOW_INSECURE_HTTP: "yes" };
    const { result } = await checkConfig(context(home, env), undefined);
    assert.equal(result.status, "warn");
    assert.equal(
      result.summary,
      "ANACONDA_AUTH_ALLOW_INSECURE_HTTP lets keys and tokens go over plain http:// to other " +
        "machines",
    );
    assert.equal(result.fix, "unset ANACONDA_AUTH_ALLOW_INSECURE_HTTP");
  });
});

Deno.test("config: a plain-http redirect_uri on a *.localhost name is a warning, as the client refuses it", async () => {
  await withHome(
    { ".anaconda/config.toml": '[plugin.auth]\nredirect_uri = "http://app.localhost:8000/cb"\n' },
    async (home) => {
      const { result } = await checkConfig(context(home), undefined);
      assert.equal(result.status, "warn");
      assert.match(
        result.summary,
        /^redirect_uri is a plain http:\/\/ URL to app\.localhost:8000 /,
      );
    },
  );
});

Deno.test("config: a config.toml that does not parse fails; the site's checks are skipped, the others run", async () => {
  await withHome({ ".anaconda/config.toml": "[sites.work\n" }, async (home) => {
    const diagnosis = await diagnose({ context: context(home) });
    assert.equal(diagnosis.ok, false);
    assert.equal(diagnosis.site, null);
    const [config, ...rest] = diagnosis.checks;
    assert.equal(config?.status, "fail");
    assert.match(config?.summary ?? "", /config\.toml:1:\d+: /);
    assert.equal(
      config?.fix,
      `correct the TOML syntax of ${CONFIG} at the line and column shown`,
    );
    for (const check of rest.slice(0, 6)) {
      assert.equal(check.summary, "not checked: the configuration could not be read (see config)");
    }
    // conda and anaconda.org do not need the site: they ran (and found nothing set up).
    assert.match(rest[6]?.summary ?? "", /no \.condarc that conda reads/);
    assert.match(rest[7]?.summary ?? "", /no anaconda-client configuration/);
  });
});
