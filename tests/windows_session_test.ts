/**
 * End-to-end on Windows with `preferred_token_storage = "system"`: a CLI session against
 * the real Credential Manager (Wine's in `deno task test:windows`, a CI runner's). These
 * use the real `Anaconda Cloud` target, so they run only with
 * ANACONDA_TEST_WINDOWS_CREDENTIALS=1, which only a disposable machine sets.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { cleanEnv, RUN_PERMISSIONS, runCli, runProgram, tempHome } from "./support.ts";
import { jwtExpiringIn, keyringValue, uniqueDomain } from "./token_support.ts";
import { decodeTokenInfo } from "../src/token/token_info.ts";
import {
  compoundTarget,
  credentialApi,
  decodeBlob,
  encodeUtf16,
  openCredentialSymbols,
} from "../src/store/windows_cred.ts";

const ignore = Deno.build.os !== "windows" ||
  Deno.env.get("ANACONDA_TEST_WINDOWS_CREDENTIALS") !== "1";
const SERVICE = "Anaconda Cloud";
const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));

function systemEnv(domain: string): Record<string, string> {
  return { ANACONDA_AUTH_DOMAIN: domain, ANACONDA_AUTH_PREFERRED_TOKEN_STORAGE: "system" };
}

/** The Credential Manager entry of `domain` (under the service or its compound name). */
function storedFor(domain: string) {
  const api = credentialApi(openCredentialSymbols());
  for (const target of [SERVICE, compoundTarget(domain, SERVICE)]) {
    const found = api.read(target);
    if (found?.userName === domain) return { target, ...found };
  }
  return null;
}

Deno.test({
  name: "windows session: login --with-token, api-key, status and logout with system storage",
  ignore,
  async fn() {
    await using home = await tempHome();
    const domain = uniqueDomain("wine-session");
    const key = jwtExpiringIn(3600, { preferred_username: "ann" });
    const env = systemEnv(domain);
    const login = await runCli(["auth", "login", "--with-token"], {
      home: home.path,
      env,
      stdin: `${key}\n`,
    });
    assert.equal(login.code, 0, login.stderr);
    assert.equal(
      login.stderr,
      `✓ API key for ${domain} stored in Windows Credential Manager\n`,
    );
    // Stored as Python keyring stores it: UserName = domain, UTF-16LE base64 JSON.
    const stored = storedFor(domain);
    assert.ok(stored !== null, "no Credential Manager entry");
    assert.equal(decodeTokenInfo(decodeBlob(stored.blob), domain).api_key, key);
    await assert.rejects(() => Deno.stat(`${home.path}/.anaconda/keyring`), Deno.errors.NotFound);

    const apiKey = await runCli(["auth", "api-key"], { home: home.path, env });
    assert.deepEqual(apiKey, { code: 0, stdout: `${key}\n`, stderr: "" });

    const status = await runCli(["auth", "status", "--json"], { home: home.path, env });
    assert.equal(status.code, 0, status.stderr);
    const [row] = JSON.parse(status.stdout);
    assert.equal(row.domain, domain);
    assert.equal(row.username, "ann");

    const logout = await runCli(["auth", "logout"], { home: home.path, env });
    assert.equal(logout.code, 0, logout.stderr);
    assert.equal(storedFor(domain), null);
    const after = await runCli(["auth", "api-key"], { home: home.path, env });
    assert.equal(after.code, 1);
    assert.match(after.stderr, /^TokenNotFoundError: /m);
  },
});

Deno.test({
  name: "windows session: a token Python keyring stored is read by api-key, and logout removes it",
  ignore,
  async fn() {
    await using home = await tempHome();
    const domain = uniqueDomain("wine-python");
    const key = jwtExpiringIn(3600);
    const value = keyringValue({
      domain,
      api_key: key,
      username: null,
      repo_tokens: [{ token: "repo-token-1", org_name: "acme" }],
      version: 2,
    });
    // As Python keyring's set_password writes a second user: under `<user>@<service>`
    // when the service's target holds another user.
    const api = credentialApi(openCredentialSymbols());
    const existing = api.read(SERVICE);
    const target = existing !== null && existing.userName !== domain
      ? compoundTarget(domain, SERVICE)
      : SERVICE;
    api.write(target, { userName: domain, blob: encodeUtf16(value) });
    try {
      const env = systemEnv(domain);
      const apiKey = await runCli(["auth", "api-key"], { home: home.path, env });
      assert.deepEqual(apiKey, { code: 0, stdout: `${key}\n`, stderr: "" });
      const logout = await runCli(["auth", "logout"], { home: home.path, env });
      assert.equal(logout.code, 0, logout.stderr);
      assert.equal(storedFor(domain), null);
    } finally {
      if (storedFor(domain) !== null) api.delete(target);
    }
  },
});

Deno.test({
  name: "windows session: without --allow-ffi a login goes to the file keyring, with warnings " +
    "naming the fix",
  ignore,
  async fn() {
    await using home = await tempHome();
    const domain = uniqueDomain("wine-no-ffi");
    const key = jwtExpiringIn(3600);
    const permissions = RUN_PERMISSIONS.filter((flag) => flag !== "--allow-ffi");
    assert.notDeepEqual(permissions, RUN_PERMISSIONS, "the CLI runs with --allow-ffi on Windows");
    const result = await runProgram(
      Deno.execPath(),
      ["run", "--quiet", ...permissions, MAIN, "auth", "login", "--with-token"],
      { cwd: home.path, env: cleanEnv(home.path, systemEnv(domain)), stdin: `${key}\n` },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stderr,
      "Warning: the Windows Credential Manager cannot be used: run with --allow-ffi to use it; " +
        "using the file keyring ~\\.anaconda\\keyring instead\n" +
        "Warning: a key stored earlier in the Windows Credential Manager stays there, and the " +
        "Python tool reads it before this one: run with --allow-ffi to replace it\n" +
        `✓ API key for ${domain} stored in file keyring ~\\.anaconda\\keyring\n`,
    );
    assert.equal(storedFor(domain), null);
  },
});
