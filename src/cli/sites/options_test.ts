import assert from "node:assert/strict";
import { UsageError } from "../framework/errors.ts";
import { ConfigError } from "../../errors.ts";
import { joinPath } from "../../path.ts";
import { FIELD_NAMES, FIELDS } from "../../config/schema.ts";
import { parseArgv } from "../framework/args.ts";
import { ROOT } from "../root.ts";
import { SITE_OPTIONS, type SiteInput, siteValues, sslVerifyValue } from "./options.ts";

Deno.test("sslVerifyValue follows the Python tool's table of TLS flags", () => {
  assert.equal(sslVerifyValue(undefined, undefined), undefined);
  assert.equal(sslVerifyValue(undefined, true), "truststore");
  assert.equal(sslVerifyValue(true, true), "truststore");
  assert.equal(sslVerifyValue(false, undefined), false);
  assert.equal(sslVerifyValue(true, undefined), true);
  assert.equal(sslVerifyValue(undefined, false), true);
  assert.equal(sslVerifyValue(false, false), false);
  assert.throws(
    () => sslVerifyValue(false, true),
    (err) =>
      err instanceof UsageError &&
      err.message === "Cannot set both --use-truststore and --no-ssl-verify",
  );
});

function values(options: SiteInput) {
  const warnings: string[] = [];
  const result = siteValues(options, {
    configPath: "/h/.anaconda/config.toml",
    homeDir: "/h",
    cwd: "/w",
    warn: (text) => warnings.push(text),
  });
  return { result, warnings };
}

Deno.test("siteValues converts options to table values in the Python tool's key order", () => {
  const { result, warnings } = values({
    use_device_flow: false,
    domain: "https://Foo.example:8443/api",
    preferred_token_storage: "system",
    extra_headers: '{"X-A": "1"}',
    ssl_verify: false,
  });
  assert.deepEqual(Object.entries(result), [
    ["preferred_token_storage", "system"],
    ["domain", "Foo.example:8443"],
    ["ssl_verify", false],
    ["extra_headers", { "X-A": "1" }],
    ["use_device_flow", false],
  ]);
  assert.deepEqual(warnings, []);
});

Deno.test("siteValues warns that an API key or keyring is stored in the config file", () => {
  const { result, warnings } = values({
    api_key: "secret",
    keyring: '{"Anaconda Cloud": {"a.com": "abc"}}',
  });
  assert.deepEqual(result, {
    api_key: "secret",
    keyring: { "Anaconda Cloud": { "a.com": "abc" } },
  });
  assert.deepEqual(warnings, [
    "WARNING: Your API Key will be stored in /h/.anaconda/config.toml and may not be secure\n",
    "WARNING: Your Keyring contents will be stored in /h/.anaconda/config.toml and may not be secure\n",
  ]);
  assert.ok(!warnings.join("").includes("secret"));
});

Deno.test("siteValues rejects bad JSON with the Python tool's messages", () => {
  const cases: Array<[SiteInput, string]> = [
    // Values that may hold credentials are not echoed.
    [{ extra_headers: "{bad" }, "extra-headers=<redacted> could not be parsed as JSON"],
    [{ proxy_servers: "nope" }, "proxy-servers=<redacted> could not be parsed as JSON"],
    [{ keyring: "[" }, "The keyring argument could not be parsed as JSON"],
    [
      { oidc_request_headers: "{" },
      "The oidc-request-headers argument could not be parsed as JSON",
    ],
  ];
  for (const [options, message] of cases) {
    assert.throws(
      () => values(options),
      (err) => err instanceof UsageError && err.message === message,
    );
  }
  assert.throws(() => values({ extra_headers: '["a"]' }), ConfigError);
  assert.throws(
    () => values({ domain: "https://" }),
    (err) =>
      err instanceof ConfigError &&
      err.message === "https:// does not look like a domain name",
  );
});

Deno.test("every site field with an option in the schema is a sites add/modify option", async () => {
  for (const field of FIELD_NAMES) {
    const option = FIELDS[field].option;
    const spec = SITE_OPTIONS[field as keyof typeof SITE_OPTIONS];
    assert.equal(spec !== undefined, option !== undefined, field);
    if (!option || !spec) continue;
    const toggles = spec.kind === "flag";
    assert.equal(toggles, FIELDS[field].kind === "bool" || FIELDS[field].kind === "ssl", field);
    assert.equal(spec.help === undefined, option.help === undefined, `${field} hidden`);
    const given = spec.choices?.[0] ?? "x";
    const argv = toggles ? [`--no-${spec.long}`] : [`--${spec.long}`, given];
    const parsed = await parseArgv(["sites", "modify", ...argv], ROOT);
    assert.equal(parsed.kind, "run");
    if (parsed.kind === "run") assert.deepEqual(parsed.input, { [field]: toggles ? false : given });
  }
  // The Python tool's spelling of hash_hostname's option.
  assert.equal(SITE_OPTIONS.hash_hostname.long, "hash-host-name");
});

Deno.test("--ca-bundle is stored as ssl_verify, as an absolute path, and excludes the other TLS flags", () => {
  assert.equal(sslVerifyValue(undefined, undefined, "/ca.pem"), "/ca.pem");
  assert.equal(sslVerifyValue(true, undefined, "/ca.pem"), "/ca.pem");
  for (
    const [sslVerify, truststore, other] of [
      [false, undefined, "--no-ssl-verify"],
      [undefined, true, "--use-truststore"],
    ] as const
  ) {
    assert.throws(
      () => sslVerifyValue(sslVerify, truststore, "/ca.pem"),
      (err) =>
        err instanceof UsageError && err.message === `Cannot set both --ca-bundle and ${other}`,
    );
  }
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeTextFileSync(`${dir}/yes`, "");
    const values = siteValues({ caBundle: "yes" }, {
      configPath: "/h/.anaconda/config.toml",
      homeDir: "/h",
      cwd: dir,
      warn: () => {},
    });
    // A file named like a boolean word is still a file.
    assert.deepEqual(values, { ssl_verify: joinPath(dir, "yes") });
    assert.throws(
      () =>
        siteValues({ caBundle: "missing.pem" }, {
          configPath: "/c",
          homeDir: "/h",
          cwd: dir,
          warn: () => {},
        }),
      (err) => err instanceof ConfigError && err.message.endsWith("(--ca-bundle)"),
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
