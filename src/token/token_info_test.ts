import assert from "node:assert/strict";
import fc from "fast-check";
import { StoreError } from "../errors.ts";
import { hasControlChars } from "../text.ts";
import {
  apiKeyExpiry,
  apiKeyState,
  decodeTokenInfo,
  deleteRepoToken,
  encodeTokenInfo,
  getRepoToken,
  isTokenExpired,
  newTokenInfo,
  setRepoToken,
  type TokenInfo,
} from "./token_info.ts";
import { keyringValue, makeJwt } from "../../tests/token_support.ts";
import { fuzzRuns } from "../../tests/fuzz.ts";

const decodeText = (value: string) =>
  new TextDecoder().decode(Uint8Array.from(atob(value), (char) => char.charCodeAt(0)));

Deno.test("encodeTokenInfo writes compact JSON in the Python field order with nulls dropped", () => {
  const info: TokenInfo = {
    version: 2,
    repo_tokens: [{ org_name: "o", token: "t" }],
    username: null,
    api_key: "k",
    domain: "anaconda.com",
  };
  const value = encodeTokenInfo(info);
  assert.equal(
    decodeText(value),
    '{"domain":"anaconda.com","api_key":"k","repo_tokens":[{"token":"t","org_name":"o"}],"version":2}',
  );
  assert.match(value, /^[A-Za-z0-9+/]+={0,2}$/);
  assert.equal(value.length % 4, 0);
});

Deno.test("encodeTokenInfo keeps an empty repo_tokens list and a username", () => {
  const value = encodeTokenInfo({ ...newTokenInfo("x.com"), username: "jane" });
  assert.equal(
    decodeText(value),
    '{"domain":"x.com","username":"jane","repo_tokens":[],"version":2}',
  );
});

Deno.test("decodeTokenInfo fills a missing version (2) and domain (from the caller)", () => {
  const info = decodeTokenInfo(keyringValue({ api_key: "k" }), "site.test");
  assert.deepEqual(info, {
    domain: "site.test",
    api_key: "k",
    username: null,
    repo_tokens: [],
    version: 2,
  });
});

Deno.test("decodeTokenInfo reads a Python record with nulls and a repo token without org", () => {
  const value = keyringValue({
    domain: "anaconda.com",
    api_key: "k",
    username: null,
    repo_tokens: [{ token: "t1", org_name: "acme" }, { token: "t2", org_name: null }],
    version: 1,
    unknown_field: true,
  });
  const info = decodeTokenInfo(value, "anaconda.com");
  assert.deepEqual(info.repo_tokens, [{ token: "t1", org_name: "acme" }, {
    token: "t2",
    org_name: "",
  }]);
  assert.equal(info.version, 1);
  // A repo token without org keeps having none when written back.
  assert.match(decodeText(encodeTokenInfo(info)), /\{"token":"t2"\}/);
});

Deno.test("decodeTokenInfo rejects a value that is not base64 without echoing it", () => {
  const secret = "not base64 !!! secret-value";
  assert.throws(() => decodeTokenInfo(secret, "a.test"), (err: unknown) => {
    assert.ok(err instanceof StoreError);
    assert.equal(err.message, "The stored token for a.test is not base64");
    return true;
  });
});

Deno.test("decodeTokenInfo rejects base64 that is not JSON without echoing it", () => {
  const value = btoa("secret-value{");
  assert.throws(() => decodeTokenInfo(value, "a.test"), (err: unknown) => {
    assert.ok(err instanceof StoreError);
    assert.equal(err.message, "The stored token for a.test is not JSON");
    assert.ok(!err.message.includes("secret-value"));
    return true;
  });
});

Deno.test("decodeTokenInfo rejects JSON that is not a token record", () => {
  for (const record of [[1, 2], "text", { api_key: 5 }, { repo_tokens: {} }, { version: "2" }]) {
    assert.throws(
      () => decodeTokenInfo(btoa(JSON.stringify(record)), "a.test"),
      /The stored token for a.test is not a token record/,
    );
  }
});

Deno.test("property: token records encode and decode round-trip any key text, including non-ASCII", () => {
  // Any text a key can be: no spaces or control characters (those are refused, below).
  const keys = fc.string({ unit: "grapheme" }).filter((key) =>
    !/\s/.test(key) && !hasControlChars(key)
  );
  fc.assert(
    fc.property(keys, fc.string(), fc.string(), (key, user, org) => {
      const info: TokenInfo = {
        domain: "d.test",
        api_key: key,
        username: user,
        repo_tokens: [{ token: key, org_name: org || "o" }],
        version: 2,
      };
      assert.deepEqual(decodeTokenInfo(encodeTokenInfo(info), "d.test"), info);
    }),
    { seed: 20260101, numRuns: fuzzRuns(200) },
  );
});

Deno.test("a stored API key with spaces or control characters is refused, naming the domain only", () => {
  for (const key of ["k\r\nX-Injected: 1", "k\u001b[2J", "two words"]) {
    const info: TokenInfo = { ...newTokenInfo("d.test"), api_key: key };
    assert.throws(() => decodeTokenInfo(encodeTokenInfo(info), "d.test"), {
      name: "StoreError",
      message: "The stored API key for d.test holds spaces or control characters, which no key has",
    });
  }
});

Deno.test("property: a record reads the same in url-safe, unpadded or wrapped base64", () => {
  // Keys with spaces or control characters are refused (see above).
  const keys = fc.string({ unit: "grapheme" }).filter((key) => !/[\s\p{Cc}]/u.test(key));
  fc.assert(
    fc.property(keys, fc.nat(76), (key, wrapAt) => {
      const info: TokenInfo = {
        domain: "d.test",
        api_key: key,
        username: null,
        repo_tokens: [],
        version: 2,
      };
      const value = encodeTokenInfo(info);
      const urlSafe = value.replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
      const wrapped = wrapAt === 0
        ? value
        : value.replace(new RegExp(`(.{${wrapAt}})`, "g"), "$1\n");
      for (const variant of [urlSafe, value.replace(/=+$/, ""), wrapped]) {
        assert.deepEqual(decodeTokenInfo(variant, "d.test"), info);
      }
    }),
    { seed: 20260102, numRuns: fuzzRuns(200) },
  );
});

Deno.test("apiKeyExpiry reads exp as seconds since the epoch in UTC (D26)", () => {
  const expiry = apiKeyExpiry(makeJwt({ exp: 1767225600 }));
  assert.equal(expiry?.toISOString(), "2026-01-01T00:00:00.000Z");
});

Deno.test("apiKeyExpiry is null for a key that is not a JWT or has no numeric exp", () => {
  for (
    const key of [
      "plain-key",
      "a.b",
      "a.b.c.d",
      "eyJhbGciOiJub25lIn0.!!!.sig",
      makeJwt({ sub: "no exp" }),
      makeJwt({ exp: "1767225600" }),
      `x.${btoa("[1]")}.y`,
    ]
  ) {
    assert.equal(apiKeyExpiry(key), null, key);
  }
});

Deno.test("isTokenExpired: missing, invalid and past keys are expired; exp equal to now too", () => {
  const now = Date.UTC(2026, 0, 1);
  const withKey = (api_key: string | null) => ({ ...newTokenInfo("d.test"), api_key });
  assert.equal(isTokenExpired(withKey(null), now), true);
  assert.equal(isTokenExpired(withKey("not-a-jwt"), now), true);
  assert.equal(isTokenExpired(withKey(makeJwt({ exp: now / 1000 })), now), true);
  assert.equal(isTokenExpired(withKey(makeJwt({ exp: now / 1000 + 1 })), now), false);
  assert.equal(apiKeyState(withKey(null), now), "missing");
  assert.equal(apiKeyState(withKey("not-a-jwt"), now), "invalid");
  assert.equal(apiKeyState(withKey(makeJwt({ exp: now / 1000 - 1 })), now), "expired");
  assert.equal(apiKeyState(withKey(makeJwt({ exp: now / 1000 + 60 })), now), "valid");
});

Deno.test("repo tokens are set, replaced, read and deleted per organisation", () => {
  let info = newTokenInfo("anaconda.com");
  info = setRepoToken(info, "acme", "t1");
  info = setRepoToken(info, "beta", "t2");
  info = setRepoToken(info, "acme", "t3");
  assert.equal(getRepoToken(info, "acme"), "t3");
  assert.equal(getRepoToken(info, "beta"), "t2");
  assert.equal(info.repo_tokens.length, 2);
  info = deleteRepoToken(info, "acme");
  assert.equal(getRepoToken(info, "acme"), null);
  assert.deepEqual(info.repo_tokens, [{ token: "t2", org_name: "beta" }]);
});
