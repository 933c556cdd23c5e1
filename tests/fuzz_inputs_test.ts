/**
 * Fuzzing of every input the tool parses: config.toml, `ANACONDA_*` variables, `.env`,
 * the file keyring and its values. Whatever the input, the result is a configuration or
 * a token, or one clear error of the tool's own kind; never an uncaught exception, and
 * never a changed file where only reading was asked.
 * @module
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { stringify as toToml } from "smol-toml";
import { loadSettings } from "../src/config/load.ts";
import { defaultSiteConfig, FIELD_NAMES } from "../src/config/schema.ts";
import { type AnacondaError, ConfigError, StoreError } from "../src/errors.ts";
import { lookupToken, saveToken } from "../src/token/tokens.ts";
import { newTokenInfo } from "../src/token/token_info.ts";
import { fakeContext } from "./fake_context.ts";
import { fuzzRuns } from "./fuzz.ts";
import { withHome } from "./support.ts";

/** Text that is likely to trip a parser: quotes, brackets, escapes, controls, Unicode. */
const nasty = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom(
    "",
    "true",
    "FALSE",
    "0",
    "1",
    "truststore",
    "{",
    "[]",
    '{"a": 1}',
    "\\",
    '"',
    "http://",
    "::::",
    "a.com:99999",
    "[::1",
    "x y",
    "\u001b[2J",
    "~/x",
    "$HOME/x",
    "null",
  ),
);

const fieldName = fc.constantFrom(...FIELD_NAMES, "site", "domain", "sites", "default_site");

/** A value as TOML could hold it. */
const tomlValue: fc.Arbitrary<unknown> = fc.oneof(
  nasty,
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.array(nasty, { maxLength: 3 }),
  fc.dictionary(nasty, nasty, { maxKeys: 3 }),
);

/** config.toml text: arbitrary text, or TOML of plausible tables with random values. */
const configText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.record({
    default_site: fc.option(nasty, { nil: undefined }),
    plugin: fc.record({ auth: fc.dictionary(fieldName, tomlValue, { maxKeys: 4 }) }),
    sites: fc.dictionary(
      nasty,
      fc.dictionary(fieldName, tomlValue, { maxKeys: 4 }),
      { maxKeys: 3 },
    ),
  }, { requiredKeys: [] }).map((document) => {
    try {
      return toToml(JSON.parse(JSON.stringify(document)));
    } catch {
      return "";
    }
  }),
);

const envVars = fc.dictionary(
  fc.oneof(
    fieldName.map((name) => `ANACONDA_AUTH_${name.toUpperCase()}`),
    fieldName.map((name) => `anaconda_auth_${name}`),
    fc.constantFrom(
      "ANACONDA_DEFAULT_SITE",
      "ANACONDA_AUTH_SITE",
      "ANACONDA_SITES",
      "ANACONDA_CLOUD_DOMAIN",
      "ANACONDA_AUTH_EXTRA_HEADERS__X_A",
    ),
  ),
  nasty,
  { maxKeys: 4 },
);

const dotenvText = fc.array(
  fc.tuple(fieldName.map((name) => `ANACONDA_AUTH_${name.toUpperCase()}`), nasty).map(
    ([name, value]) => `${name}=${value}`,
  ),
  { maxLength: 3 },
).map((lines) => lines.join("\n"));

/** Passes when `action` returns, or throws an error of the expected kinds. */
async function onlyOwnErrors(action: () => Promise<unknown>, kinds: (typeof AnacondaError)[]) {
  try {
    await action();
  } catch (err) {
    if (kinds.some((kind) => err instanceof kind)) return;
    throw err;
  }
}

Deno.test("property: any config.toml, environment and .env give settings or one ConfigError", async () => {
  await withHome(async (home) => {
    await Deno.mkdir(`${home}/.anaconda`);
    await fc.assert(
      fc.asyncProperty(configText, envVars, dotenvText, async (toml, env, dotenv) => {
        await Deno.writeTextFile(`${home}/.anaconda/config.toml`, toml);
        await Deno.writeTextFile(`${home}/.env`, dotenv);
        const context = fakeContext({
          home,
          env: { HOME: home, ANACONDA_SECRETS_DIR: `${home}/none`, ...env },
        });
        await onlyOwnErrors(async () => {
          const settings = await loadSettings(context);
          const site = settings.site();
          assert.equal(typeof site.domain, "string");
          // Whatever was accepted makes a URL (D3 and the domain checks of issue 11).
          new URL(`https://${site.domain}/`);
          settings.allSites();
        }, [ConfigError]);
        // One line of stderr per warning at most: no foreign text splits a message.
        for (const line of context.err().split("\n")) assert.ok(!line.includes("\u001b"));
      }),
      { seed: 2026, numRuns: fuzzRuns(300) },
    );
  });
});

/** What a file keyring may hold: garbage, JSON of any shape, or records with odd values. */
const keyringText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.json({ maxDepth: 3 }),
  fc.dictionary(
    fc.constantFrom("Anaconda Cloud", "Other", ""),
    fc.oneof(
      fc.dictionary(
        // (Legacy domains are left out: reading anaconda.com migrates them, by design.)
        fc.constantFrom("a.test", "b.test", "anaconda.com", "c.test"),
        fc.oneof(
          nasty,
          fc.json().map((json) => btoa(unescape(encodeURIComponent(json)))),
          fc.constantFrom("eyJhbGciOiJub25lIn0.e30.c2ln", "!!!", "e30="),
          fc.integer(),
        ),
      ),
      fc.json({ maxDepth: 2 }).map((json) => JSON.parse(json)),
    ),
  ).map((data) => JSON.stringify(data)),
);

Deno.test("property: any file keyring reads as a token, nothing, or one StoreError; writes keep foreign entries", async () => {
  await withHome(async (home) => {
    await Deno.mkdir(`${home}/.anaconda`, { mode: 0o700 });
    const path = `${home}/.anaconda/keyring`;
    const context = fakeContext({ home, env: { HOME: home } });
    const config = (domain: string) => ({
      site: domain,
      ...defaultSiteConfig(home),
      domain,
    });
    await fc.assert(
      fc.asyncProperty(keyringText, async (text) => {
        for (const name of Deno.readDirSync(`${home}/.anaconda`)) {
          await Deno.remove(`${home}/.anaconda/${name.name}`);
        }
        await Deno.writeTextFile(path, text);
        for (const domain of ["a.test", "anaconda.com"]) {
          await onlyOwnErrors(() => lookupToken(context, config(domain)), [StoreError]);
        }
        // Reading never moves a parseable keyring aside.
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        const isObject = parsed !== null && typeof parsed === "object" && !Array.isArray(parsed);
        if (isObject) assert.equal(await Deno.readTextFile(path), text);
        // A write keeps every other top-level entry and every other account.
        const saved = await saveToken(context, config("z.test"), {
          ...newTokenInfo("z.test"),
          api_key: "k",
        }).then(() => true, (err) => {
          if (err instanceof StoreError) return false;
          throw err;
        });
        if (saved && isObject) {
          const after = JSON.parse(await Deno.readTextFile(path));
          const before = parsed as Record<string, unknown>;
          for (const [key, value] of Object.entries(before)) {
            if (key === "Anaconda Cloud") {
              for (const [account, secret] of Object.entries(value as Record<string, unknown>)) {
                assert.deepEqual(after[key][account], secret);
              }
            } else {
              assert.deepEqual(after[key], value);
            }
          }
        }
      }),
      { seed: 77, numRuns: fuzzRuns(200) },
    );
  });
});
