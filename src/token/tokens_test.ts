import assert from "node:assert/strict";
import { TokenExpiredError, TokenNotFoundError } from "../errors.ts";
import {
  currentApiKey,
  loadToken,
  lookupToken,
  removeToken,
  requireApiKey,
  saveToken,
} from "./tokens.ts";
import { decodeTokenInfo, newTokenInfo, type TokenInfo } from "./token_info.ts";
import { fakeContext } from "../../tests/fake_context.ts";
import { keyringValue, makeJwt, siteConfig } from "../../tests/token_support.ts";
import { FILE_KEYRING_LABEL } from "../../tests/paths.ts";

const NOW = Date.UTC(2026, 0, 1);
const VALID = makeJwt({ exp: NOW / 1000 + 3600 });
const EXPIRED = makeJwt({ exp: NOW / 1000 - 1 });

async function withHome(
  test: (home: string, context: ReturnType<typeof fakeContext>) => Promise<void>,
): Promise<void> {
  const home = await Deno.makeTempDir({ prefix: "tokens-test-" });
  try {
    await test(home, fakeContext({ home, now: NOW }));
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

async function writeKeyring(home: string, accounts: Record<string, string>): Promise<void> {
  await Deno.mkdir(`${home}/.anaconda`, { recursive: true });
  await Deno.writeTextFile(
    `${home}/.anaconda/keyring`,
    JSON.stringify({ "Anaconda Cloud": accounts }),
  );
}

async function readKeyring(home: string): Promise<Record<string, string>> {
  return JSON.parse(await Deno.readTextFile(`${home}/.anaconda/keyring`))["Anaconda Cloud"];
}

Deno.test("saveToken then loadToken round-trips through the file keyring", async () => {
  await withHome(async (home, context) => {
    const config = siteConfig(home, { domain: "site.test" });
    const info: TokenInfo = {
      ...newTokenInfo("site.test"),
      api_key: VALID,
      username: "jane",
      repo_tokens: [{ token: "rt", org_name: "acme" }],
    };
    assert.equal(await saveToken(context, config, info), FILE_KEYRING_LABEL);
    assert.deepEqual(await loadToken(context, config), info);
    const found = await lookupToken(context, config);
    assert.equal(found.status, "found");
    assert.equal(found.storage, FILE_KEYRING_LABEL);
    assert.equal(await currentApiKey(context, config), VALID);
  });
});

Deno.test("loadToken is null when nothing is stored", async () => {
  await withHome(async (home, context) => {
    assert.equal(await loadToken(context, siteConfig(home)), null);
    assert.equal(await currentApiKey(context, siteConfig(home)), null);
  });
});

for (const legacy of ["id.anaconda.cloud", "anaconda.cloud"]) {
  Deno.test(`an anaconda.com token stored under ${legacy} is migrated`, async () => {
    await withHome(async (home, context) => {
      await writeKeyring(home, {
        [legacy]: keyringValue({ domain: legacy, api_key: VALID, username: "old", version: 1 }),
        "other.test": "keep",
      });
      const info = await loadToken(context, siteConfig(home));
      assert.deepEqual(info, {
        domain: "anaconda.com",
        api_key: VALID,
        username: "old",
        repo_tokens: [],
        version: 2,
      });
      const stored = await readKeyring(home);
      assert.deepEqual(Object.keys(stored).sort(), ["anaconda.com", "other.test"]);
      assert.deepEqual(decodeTokenInfo(stored["anaconda.com"]!, "anaconda.com"), info);
    });
  });
}

Deno.test("other domains are not migrated from legacy names", async () => {
  await withHome(async (home, context) => {
    await writeKeyring(home, { "anaconda.cloud": keyringValue({ api_key: VALID }) });
    assert.equal(await loadToken(context, siteConfig(home, { domain: "site.test" })), null);
  });
});

Deno.test("config api_key is the token (no expiry check) and is never copied into a store", async () => {
  await withHome(async (home, context) => {
    const config = siteConfig(home, { api_key: "plain-config-key" });
    const found = await lookupToken(context, config);
    assert.equal(found.status, "found");
    assert.equal(found.fromConfig, true);
    assert.deepEqual(found.status === "found" && found.info, {
      ...newTokenInfo("anaconda.com"),
      api_key: "plain-config-key",
    });
    assert.equal(await currentApiKey(context, config), "plain-config-key");
    assert.equal(await requireApiKey(context, config), "plain-config-key");
    // Saving a record (e.g. with repo tokens) drops the config key from what is written.
    await saveToken(context, config, {
      ...newTokenInfo("anaconda.com"),
      api_key: "plain-config-key",
      repo_tokens: [{ token: "rt", org_name: "acme" }],
    });
    const stored = decodeTokenInfo((await readKeyring(home))["anaconda.com"]!, "anaconda.com");
    assert.equal(stored.api_key, null);
    assert.deepEqual(stored.repo_tokens, [{ token: "rt", org_name: "acme" }]);
  });
});

Deno.test("config keyring is read as the Python ConfigKeyring does", async () => {
  await withHome(async (home, context) => {
    const keyring = { "Anaconda Cloud": { "anaconda.com": keyringValue({ api_key: VALID }) } };
    const config = siteConfig(home, { keyring });
    assert.equal((await loadToken(context, config))?.api_key, VALID);
    assert.equal((await lookupToken(context, config)).storage, "config keyring");
    assert.equal(await loadToken(context, siteConfig(home, { keyring, domain: "x.test" })), null);
  });
});

Deno.test("an undecodable stored value is reported on stderr and read as missing", async () => {
  await withHome(async (home, context) => {
    await writeKeyring(home, { "anaconda.com": "%%% not base64 secretish %%%" });
    assert.equal(await loadToken(context, siteConfig(home)), null);
    assert.equal(
      context.err(),
      `Warning: The stored token for anaconda.com is not base64 (${FILE_KEYRING_LABEL}); ` +
        "log in again to replace it\n",
    );
    assert.ok(!context.err().includes("secretish"));
    await assert.rejects(() => requireApiKey(context, siteConfig(home)), TokenNotFoundError);
  });
});

Deno.test("requireApiKey: missing, expired and invalid keys raise the CLI's errors", async () => {
  await withHome(async (home, context) => {
    const config = siteConfig(home);
    await assert.rejects(() => requireApiKey(context, config), (err: unknown) => {
      assert.ok(err instanceof TokenNotFoundError);
      assert.equal(err.message, "Login is required to complete this action.");
      return true;
    });
    await saveToken(context, config, { ...newTokenInfo("anaconda.com"), api_key: EXPIRED });
    await assert.rejects(() => requireApiKey(context, config), (err: unknown) => {
      assert.ok(err instanceof TokenExpiredError);
      assert.equal(err.message, "Your login token has expired");
      return true;
    });
    assert.equal(await currentApiKey(context, config), null);
    await saveToken(context, config, { ...newTokenInfo("anaconda.com"), api_key: "no-jwt" });
    await assert.rejects(() => requireApiKey(context, config), /is not a valid API key/);
    await saveToken(context, config, { ...newTokenInfo("anaconda.com"), api_key: VALID });
    assert.equal(await requireApiKey(context, config), VALID);
  });
});

Deno.test("removeToken removes the domain and, for anaconda.com, the legacy entries", async () => {
  await withHome(async (home, context) => {
    await writeKeyring(home, {
      "anaconda.com": "a",
      "anaconda.cloud": "b",
      "id.anaconda.cloud": "c",
      "other.test": "d",
    });
    assert.equal(await removeToken(context, siteConfig(home)), true);
    assert.deepEqual(await readKeyring(home), { "other.test": "d" });
    assert.equal(await removeToken(context, siteConfig(home)), false);
    await removeToken(context, siteConfig(home));
    await removeToken(context, siteConfig(home, { domain: "other.test" }));
    assert.deepEqual(await readKeyring(home), {});
  });
});
