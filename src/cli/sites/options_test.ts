import assert from "node:assert/strict";
import { ConfigError } from "../../errors.ts";
import { UsageError } from "../errors.ts";
import { type SiteOptions, siteValues, sslVerifyValue } from "./options.ts";

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

function values(options: SiteOptions) {
  const warnings: string[] = [];
  const result = siteValues(options, {
    configPath: "/h/.anaconda/config.toml",
    homeDir: "/h",
    warn: (text) => warnings.push(text),
  });
  return { result, warnings };
}

Deno.test("siteValues converts options to table values in the Python tool's key order", () => {
  const { result, warnings } = values({
    useDeviceFlow: false,
    domain: "https://Foo.example:8443/api",
    preferredTokenStorage: "system",
    extraHeaders: '{"X-A": "1"}',
    sslVerify: false,
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
    apiKey: "secret",
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
  const cases: Array<[SiteOptions, string]> = [
    [{ extraHeaders: "{bad" }, "extra-headers={bad could not be parsed as JSON"],
    [{ proxyServers: "nope" }, "proxy-servers=nope could not be parsed as JSON"],
    [{ keyring: "[" }, "The keyring argument could not be parsed as JSON"],
    [{ oidcRequestHeaders: "{" }, "The oidc-request-headers argument could not be parsed as JSON"],
  ];
  for (const [options, message] of cases) {
    assert.throws(
      () => values(options),
      (err) => err instanceof UsageError && err.message === message,
    );
  }
  assert.throws(() => values({ extraHeaders: '["a"]' }), UsageError);
  // A bad domain is a config error (exit 1), as in the Python tool.
  assert.throws(() => values({ domain: "https://" }), ConfigError);
});
