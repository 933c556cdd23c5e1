/**
 * `anaconda whoami|logout --at anaconda.org` end to end against the stand-in's
 * anaconda.org API: `GET /user` as JSON with the stored token or `BINSTAR_API_TOKEN` /
 * `ANACONDA_API_TOKEN`; logout revokes the token (`DELETE /authentications`) and removes
 * its files.
 */
import assert from "node:assert/strict";
import { requestLines } from "./dev_site.ts";
import { liveOrgTokens, orgEnv, type OrgSetup, orgSetup, orgTokenPath } from "./org_support.ts";
import { runCli } from "./support.ts";
import { quotePlus } from "../src/conda/token_files.ts";
import { condaTokenDir } from "./paths.ts";

/** Stores `token` the way conda does. */
async function storeToken(org: OrgSetup, token: string): Promise<void> {
  await Deno.mkdir(condaTokenDir(org.home), { recursive: true });
  await Deno.writeTextFile(orgTokenPath(org.home, org.url), token, { mode: 0o600 });
}

Deno.test("whoami --at anaconda.org prints GET /user as sorted JSON, sent with the stored token", async () => {
  await using org = await orgSetup();
  const token = org.server.orgApi.issue();
  await storeToken(org, token);
  const result = await org.run(["whoami"]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, `Your info (${org.url}):\n`);
  const user = JSON.parse(result.stdout);
  assert.equal(user.login, "jane");
  assert.deepEqual(Object.keys(user), Object.keys(user).sort());
  assert.match(result.stdout, /^\{\n {2}"company": ""/);
  const request = org.server.requests.at(-1)!;
  assert.equal(`${request.method} ${request.path}`, "GET /org-api/user");
  assert.equal(request.headers.authorization, `token ${token}`);
  assert.equal(request.headers["user-agent"], "Anaconda-Client/1.13.0 (+https://anaconda.org)");
});

Deno.test("whoami honours BINSTAR_API_TOKEN, then ANACONDA_API_TOKEN, before the stored token", async () => {
  await using org = await orgSetup();
  const { orgApi } = org.server;
  await storeToken(org, orgApi.issue("stored"));
  const cases: [Record<string, string>, string][] = [
    [{ BINSTAR_API_TOKEN: orgApi.issue("binstar"), ANACONDA_API_TOKEN: "x" }, "binstar"],
    [{ ANACONDA_API_TOKEN: orgApi.issue("anaconda") }, "anaconda"],
    [{}, "stored"],
  ];
  for (const [env, login] of cases) {
    const result = await org.run(["whoami"], { env });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).login, login);
  }
});

Deno.test("whoami without a token, or with one the server refuses, exits 1 saying so", async () => {
  await using org = await orgSetup();
  const none = await org.run(["whoami"]);
  assert.equal(none.code, 1);
  assert.equal(
    none.stderr,
    "NotLoggedIn: You are not logged in\nTo log in, run: anaconda login --at anaconda.org\n",
  );
  assert.equal(org.server.requests.length, 0);
  await storeToken(org, "revoked-token");
  const refused = await org.run(["whoami"]);
  assert.equal(refused.code, 1);
  assert.equal(
    refused.stderr,
    `NotLoggedIn: ${org.url} refused the token from ${orgTokenPath(org.home, org.url)} ` +
      "(Authentication required): log in again with anaconda login --at anaconda.org\n",
  );
  assert.doesNotMatch(refused.stderr, /revoked-token/);
});

Deno.test("logout --at anaconda.org revokes the token, removes its files, and then says not logged in", async () => {
  await using org = await orgSetup();
  const token = org.server.orgApi.issue();
  await storeToken(org, token);
  // An older anaconda-client copy in its own folder goes too.
  const clientTokens = `${org.home}/.continuum/anaconda-client/tokens`;
  const clientCopy = `${clientTokens}/${quotePlus(org.url)}.token`;
  await Deno.mkdir(clientTokens, { recursive: true });
  await Deno.writeTextFile(clientCopy, token);
  const result = await org.run(["logout"]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, "");
  assert.equal(result.stderr, `✓ logout successful: token for ${org.url} removed\n`);
  assert.deepEqual(requestLines(org.server), ["DELETE /org-api/authentications"]);
  assert.equal(org.server.requests[0]?.headers.authorization, `token ${token}`);
  assert.deepEqual(liveOrgTokens(org.server), []);
  assert.equal(await org.token(), null);
  await assert.rejects(() => Deno.stat(clientCopy), Deno.errors.NotFound);

  // Logging out again is not a failure (as anaconda-client): scripts may repeat it.
  const again = await org.run(["logout"], { env: { BINSTAR_API_TOKEN: "from-ci" } });
  assert.equal(again.code, 0);
  assert.equal(
    again.stderr,
    "You are not logged in (only BINSTAR_API_TOKEN is set, which logout leaves alone)\n",
  );
});

Deno.test("logout of a token the server no longer knows (401) still removes it", async () => {
  await using org = await orgSetup();
  await storeToken(org, "forgotten-by-the-server");
  const result = await org.run(["logout"], { env: { ANACONDA_API_TOKEN: "from-ci" } });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(
    result.stderr,
    "ANACONDA_API_TOKEN is set and still authenticates to anaconda.org; unset it to log out completely\n" +
      `✓ logout successful: token for ${org.url} removed (the server no longer knew it)\n`,
  );
  assert.equal(await org.token(), null);
});

Deno.test("a login, whoami and logout share the token file with each other (round trip)", async () => {
  await using org = await orgSetup({ deviceApproval: "immediate", interval: 0 });
  const login = await org.run(["login"]);
  assert.equal(login.code, 0, login.stderr);
  const whoami = await org.run(["whoami"]);
  assert.equal(whoami.code, 0, whoami.stderr);
  assert.equal(JSON.parse(whoami.stdout).login, "jane");
  const logout = await org.run(["logout"]);
  assert.equal(logout.code, 0, logout.stderr);
  assert.deepEqual(liveOrgTokens(org.server), []);
});

Deno.test("the root's hidden -t and -s are anaconda-client's: a token and a site, for anaconda.org", async () => {
  await using org = await orgSetup();
  const token = org.server.orgApi.issue();
  // -s picks a site of anaconda-client's config; its top level points nowhere useful.
  await Deno.writeTextFile(
    `${org.home}/.continuum/anaconda-client/config.yaml`,
    `url: https://127.0.0.1:9/nowhere\nsites:\n  stand-in:\n    url: ${org.url}\n` +
      `    ssl_verify: ${org.server.caPath}\n`,
  );
  const result = await runCli(["-s", "stand-in", "-t", token, "whoami"], {
    home: org.home,
    env: orgEnv(org.server),
  });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(JSON.parse(result.stdout).login, "jane");
  assert.match(result.stderr, /^Warning: a token on the command line is visible to other users/);
  assert.ok(!result.stderr.includes(token));
  const mixed = await runCli(["-t", token, "whoami", "--at", "anaconda.com"], {
    home: org.home,
    env: orgEnv(org.server),
  });
  assert.equal(mixed.code, 2);
  assert.match(mixed.stderr, /^UsageError: --token is for anaconda\.org: use --at anaconda\.org\n/);
});
