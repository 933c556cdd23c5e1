/**
 * `anaconda whoami|logout --at anaconda.org` end to end against the stand-in's
 * anaconda.org API: `GET /user` as JSON with the stored token or `BINSTAR_API_TOKEN` /
 * `ANACONDA_API_TOKEN`; logout revokes the token (`DELETE /authentications`) and removes
 * its files.
 */
import assert from "node:assert/strict";
import { requestLines } from "./dev_site.ts";
import {
  liveOrgTokens,
  orgEnv,
  orgTokenPath,
  readOrgToken,
  writeOrgConfig,
} from "./org_support.ts";
import { startDevServer } from "./stand_in/server.ts";
import { runCli, tempHome } from "./support.ts";
import { quotePlus } from "../src/conda/token_files.ts";

/** Stores `token` the way conda does, in `home`. */
async function storeToken(home: string, url: string, token: string): Promise<void> {
  await Deno.mkdir(`${home}/.config/binstar`, { recursive: true });
  await Deno.writeTextFile(orgTokenPath(home, url), token, { mode: 0o600 });
}

Deno.test("whoami --at anaconda.org prints GET /user as sorted JSON, sent with the stored token", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  await writeOrgConfig(home.path, server);
  const token = server.orgApi.issue();
  await storeToken(home.path, server.orgApi.url, token);
  const result = await runCli(["whoami", "--at", "anaconda.org"], {
    home: home.path,
    env: orgEnv(server),
  });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, `Your info (${server.orgApi.url}):\n`);
  const user = JSON.parse(result.stdout);
  assert.equal(user.login, "jane");
  assert.deepEqual(Object.keys(user), Object.keys(user).sort());
  assert.match(result.stdout, /^\{\n {2}"company": ""/);
  const request = server.requests.at(-1)!;
  assert.equal(`${request.method} ${request.path}`, "GET /org-api/user");
  assert.equal(request.headers.authorization, `token ${token}`);
  assert.equal(request.headers["user-agent"], "Anaconda-Client/1.13.0 (+https://anaconda.org)");
});

Deno.test("whoami honours BINSTAR_API_TOKEN, then ANACONDA_API_TOKEN, before the stored token", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  await writeOrgConfig(home.path, server);
  const stored = server.orgApi.issue("stored");
  await storeToken(home.path, server.orgApi.url, stored);
  const cases: [Record<string, string>, string][] = [
    [{ BINSTAR_API_TOKEN: server.orgApi.issue("binstar"), ANACONDA_API_TOKEN: "x" }, "binstar"],
    [{ ANACONDA_API_TOKEN: server.orgApi.issue("anaconda") }, "anaconda"],
    [{}, "stored"],
  ];
  for (const [env, login] of cases) {
    const result = await runCli(["whoami", "--at", "anaconda.org"], {
      home: home.path,
      env: orgEnv(server, env),
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).login, login);
  }
});

Deno.test("whoami without a token, or with one the server refuses, exits 1 saying so", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  await writeOrgConfig(home.path, server);
  const none = await runCli(["whoami", "--at", "anaconda.org"], {
    home: home.path,
    env: orgEnv(server),
  });
  assert.equal(none.code, 1);
  assert.equal(none.stderr, "NotLoggedIn: You are not logged in\n");
  assert.equal(server.requests.length, 0);
  await storeToken(home.path, server.orgApi.url, "revoked-token");
  const refused = await runCli(["whoami", "--at", "anaconda.org"], {
    home: home.path,
    env: orgEnv(server),
  });
  assert.equal(refused.code, 1);
  assert.equal(
    refused.stderr,
    `NotLoggedIn: ${server.orgApi.url} refused the token from ${
      orgTokenPath(home.path, server.orgApi.url)
    } (Authentication required): log in again with anaconda login --at anaconda.org\n`,
  );
  assert.doesNotMatch(refused.stderr, /revoked-token/);
});

Deno.test("logout --at anaconda.org revokes the token, removes its files, and then says not logged in", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  await writeOrgConfig(home.path, server);
  const url = server.orgApi.url;
  const token = server.orgApi.issue();
  await storeToken(home.path, url, token);
  // An older anaconda-client copy in its own folder goes too.
  const clientCopy = `${home.path}/.continuum/anaconda-client/tokens/${quotePlus(url)}.token`;
  await Deno.mkdir(`${home.path}/.continuum/anaconda-client/tokens`, { recursive: true });
  await Deno.writeTextFile(clientCopy, token);
  const result = await runCli(["logout", "--at", "anaconda.org"], {
    home: home.path,
    env: orgEnv(server),
  });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, "");
  assert.equal(result.stderr, `✓ logout successful: token for ${url} removed\n`);
  assert.deepEqual(requestLines(server), ["DELETE /org-api/authentications"]);
  assert.equal(server.requests[0]?.headers.authorization, `token ${token}`);
  assert.deepEqual(liveOrgTokens(server), []);
  assert.equal(await readOrgToken(home.path, url), null);
  await assert.rejects(() => Deno.stat(clientCopy), Deno.errors.NotFound);

  const again = await runCli(["logout", "--at", "anaconda.org"], {
    home: home.path,
    env: orgEnv(server, { BINSTAR_API_TOKEN: "from-ci" }),
  });
  assert.equal(again.code, 1);
  assert.equal(
    again.stderr,
    "NotLoggedIn: You are not logged in (only BINSTAR_API_TOKEN is set, which logout leaves alone)\n",
  );
});

Deno.test("logout of a token the server no longer knows (401) still removes it", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  await writeOrgConfig(home.path, server);
  const url = server.orgApi.url;
  await storeToken(home.path, url, "forgotten-by-the-server");
  const result = await runCli(["logout", "--at", "anaconda.org"], {
    home: home.path,
    env: orgEnv(server, { ANACONDA_API_TOKEN: "from-ci" }),
  });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(
    result.stderr,
    "ANACONDA_API_TOKEN is set and still authenticates to anaconda.org; unset it to log out completely\n" +
      `✓ logout successful: token for ${url} removed (the server no longer knew it)\n`,
  );
  assert.equal(await readOrgToken(home.path, url), null);
});

Deno.test("a login, whoami and logout share the token file with each other (round trip)", async () => {
  await using home = await tempHome();
  await using server = await startDevServer({ deviceApproval: "immediate", interval: 0 });
  await writeOrgConfig(home.path, server);
  const env = orgEnv(server);
  const login = await runCli(["login", "--at", "anaconda.org"], { home: home.path, env });
  assert.equal(login.code, 0, login.stderr);
  const whoami = await runCli(["whoami", "--at", "anaconda.org"], { home: home.path, env });
  assert.equal(whoami.code, 0, whoami.stderr);
  assert.equal(JSON.parse(whoami.stdout).login, "jane");
  const logout = await runCli(["logout", "--at", "anaconda.org"], { home: home.path, env });
  assert.equal(logout.code, 0, logout.stderr);
  assert.deepEqual(liveOrgTokens(server), []);
});
