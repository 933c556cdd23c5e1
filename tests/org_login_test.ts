/**
 * `anaconda login --at anaconda.org` end to end against the stand-in's anaconda.org API
 * (scripts/stand_in/org_api.ts): the Bearer exchange of an anaconda.com API key (stored,
 * or from a device login), the legacy username/password login, and the token file that
 * conda and anaconda-client read.
 */
import assert from "node:assert/strict";
import { requestLines, storedToken } from "./dev_site.ts";
import { liveOrgTokens, orgSetup, orgTokenPath, storeApiKey } from "./org_support.ts";
import { ORG_PASSWORD } from "../scripts/stand_in/org_api.ts";
import { condaTokenDir, joinPath, shownPath } from "./paths.ts";

const HOSTNAME = Deno.hostname();

/**
 * The body anaconda-client posts to `/authentications` (docs/behaviour.md, "Login, logout and
 * whoami").
 */
function loginBody(url: string, failIfExists: boolean) {
  return {
    scopes: null,
    note: `binstar_client:jane@${HOSTNAME}`,
    note_url: url,
    hostname: HOSTNAME,
    user: null,
    "max-age": null,
    strength: "strong",
    "fail-if-exists": failIfExists,
  };
}

/** Switches the legacy username/password login on. */
const LEGACY = { ANACONDA_CLIENT_LEGACY_INTERACTIVE_LOGIN: "1" };

Deno.test("login --at anaconda.org exchanges the stored API key for a token (Bearer) and stores it for conda", async () => {
  await using org = await orgSetup();
  const { server, url } = org;
  const apiKey = await server.issueApiKey();
  await storeApiKey(org.home, server, apiKey);
  const result = await org.run(["login"]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, "");
  const path = orgTokenPath(org.home, url);
  assert.equal(path.split(/[\\/]/).at(-1), `${encodeURIComponent(url)}.token`);
  assert.equal(
    result.stderr,
    `✓ login successful: token for ${url} stored in ${shownPath(path, org.home)}\n`,
  );
  assert.deepEqual(requestLines(server), [
    "HEAD /org-api",
    "GET /org-api/.well-known/openid-configuration",
    "POST /org-api/authentications",
  ]);
  const exchange = server.requests.at(-1)!;
  assert.equal(exchange.headers.authorization, `Bearer ${apiKey}`);
  assert.equal(exchange.headers["user-agent"], "Anaconda-Client/1.13.0 (+https://anaconda.org)");
  assert.equal(exchange.headers["x-binstar-api-version"], "1.13.0");
  assert.equal(exchange.headers["content-type"], "application/json");
  assert.equal(exchange.headers.accept, "application/json");
  assert.deepEqual(exchange.json, loginBody(url, false));
  // The raw token, no newline, readable by the user only: what conda and anaconda-client read.
  const [issued] = server.orgApi.tokens;
  assert.equal(issued?.via, "bearer");
  assert.equal(await org.token(), issued.token);
  if (Deno.build.os !== "windows") assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  assert.ok(!result.stderr.includes(issued.token));
});

Deno.test("without a stored API key, the anaconda.com login runs first and its key is kept", async () => {
  await using org = await orgSetup({ deviceApproval: "immediate", interval: 0 });
  const { server } = org;
  const result = await org.run(["login"]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stderr,
    new RegExp(
      `^anaconda\\.org logs in with an API key of ${server.domain}: logging in there first\n`,
    ),
  );
  assert.match(result.stderr, /Then enter the code:/);
  assert.match(
    result.stderr,
    new RegExp(
      `API key for ${server.domain} stored in file keyring ~[\\\\/]\\.anaconda[\\\\/]keyring\n✓ login successful: `,
    ),
  );
  const stored = await storedToken(org.home, server.domain);
  assert.ok(stored?.api_key);
  assert.equal(server.requests.at(-1)?.headers.authorization, `Bearer ${stored.api_key}`);
  assert.equal(await org.token(), server.orgApi.tokens[0]?.token);
});

Deno.test("a server without Bearer logins falls back to the username and password (HTTP Basic)", async () => {
  await using org = await orgSetup({ orgBearerDisabled: true });
  const { server, url } = org;
  await storeApiKey(org.home, server);
  const result = await org.run(["--verbose", "login"], { stdin: `jane\n${ORG_PASSWORD}\n` });
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stderr,
    new RegExp(
      `${url} does not accept API keys; logging in with a username and password\n` +
        "Warning: username/password login is deprecated\n",
    ),
  );
  assert.match(result.stderr, /Username: jane's Password: > POST/);
  const basic = server.requests.at(-1)!;
  assert.equal(basic.headers.authorization, `Basic ${btoa(`jane:${ORG_PASSWORD}`)}`);
  assert.deepEqual(basic.json, loginBody(url, true));
  assert.equal(server.orgApi.tokens.at(-1)?.via, "basic");
  assert.equal(await org.token(), server.orgApi.tokens.at(-1)?.token);
  // --verbose logs the requests without any part of the password or its base64.
  assert.match(result.stderr, /> authorization: Basic \*{8}\n/);
  assert.ok(!result.stderr.includes(ORG_PASSWORD));
  assert.ok(!result.stderr.includes(btoa(`jane:${ORG_PASSWORD}`).slice(-4)));
});

Deno.test("a wrong password is asked again, three times, then the login fails and stores nothing", async () => {
  await using org = await orgSetup();
  const { server } = org;
  const result = await org.run(["login"], {
    env: LEGACY,
    stdin: "jane\nwrong-1\nwrong-2\nwrong-3\n",
  });
  assert.equal(result.code, 1);
  const invalid = "Invalid Username password combination, please try again\n";
  assert.equal(result.stderr.split(invalid).length - 1, 3, result.stderr);
  assert.match(
    result.stderr,
    new RegExp(
      `Unauthorized: Sorry\\. Please try again \\(go to https://${server.domain}/account/forgot_password to reset your password\\)\n$`,
    ),
  );
  // No Bearer attempt, no anaconda.com login: the legacy switch goes straight to Basic.
  assert.deepEqual(requestLines(server), [
    "HEAD /org-api",
    "GET /org-api/authentication-type",
    "POST /org-api/authentications",
    "POST /org-api/authentications",
    "POST /org-api/authentications",
  ]);
  assert.equal(await org.token(), null);
  assert.ok(!/wrong-\d/.test(result.stderr));
});

Deno.test("a second password login asks before replacing the token of this host (the 400 case)", async () => {
  await using org = await orgSetup();
  const { server, url } = org;
  const first = await org.run(["login"], { env: LEGACY, stdin: `jane\n${ORG_PASSWORD}\n` });
  assert.equal(first.code, 0, first.stderr);
  const firstToken = await org.token();

  // Already logged in: asked first; then the server refuses a second token of the same note.
  const second = await org.run(["login"], {
    env: LEGACY,
    stdin: `y\njane\n${ORG_PASSWORD}\ny\n`,
  });
  assert.equal(second.code, 0, second.stderr);
  assert.match(
    second.stderr,
    new RegExp(
      `^It appears you are already logged into ${url}\n` +
        "Logging in again will remove the previous token\\.\n" +
        "Would you like to continue\\? \\[y/n\\] \\(y\\): ",
    ),
  );
  assert.match(
    second.stderr,
    new RegExp(
      `It appears you are already logged in from host ${HOSTNAME}\n[^\n]*\n` +
        'Otherwise you can login again and specify a different hostname with "--hostname"\n' +
        "Would you like to continue\\? \\[y/n\\] \\(y\\): ",
    ),
  );
  const posts = server.requests.filter((request) => request.path === "/org-api/authentications");
  assert.deepEqual(posts.map((post) => (post.json as Record<string, unknown>)["fail-if-exists"]), [
    true,
    true,
    false,
  ]);
  const secondToken = await org.token();
  assert.notEqual(secondToken, firstToken);
  assert.deepEqual(liveOrgTokens(server), [secondToken]);
});

Deno.test("answering n to the already-logged-in question keeps the token and exits 1", async () => {
  await using org = await orgSetup();
  await Deno.mkdir(condaTokenDir(org.home), { recursive: true });
  await Deno.writeTextFile(orgTokenPath(org.home, org.url), org.server.orgApi.issue());
  const before = await org.token();
  const result = await org.run(["login"], { stdin: "n\n" });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /Would you like to continue\? \[y\/n\] \(y\): Aborted\.\n$/);
  assert.equal(await org.token(), before);
  assert.deepEqual(requestLines(org.server), ["HEAD /org-api"]);
  // Without an answer (end of input) it names the flag that goes ahead.
  const closed = await org.run(["login"]);
  assert.equal(closed.code, 1);
  assert.match(closed.stderr, /No answer on standard input: pass --force to go ahead\n$/);
});

Deno.test("--username and --password mean anaconda.org; the password on argv gets a warning", async () => {
  await using org = await orgSetup();
  const { server } = org;
  // No --at: the legacy options choose anaconda.org by themselves.
  const result = await org.run(
    ["login", "--username", "jane", "--password", ORG_PASSWORD, "--hostname", "ci-runner"],
  );
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stderr,
    /^Warning: a password on the command line is visible to other users of this machine; leave out --password to be asked for it\n/,
  );
  assert.doesNotMatch(result.stderr, /Username: |Password: /);
  const post = server.requests.at(-1)!.json as Record<string, unknown>;
  assert.equal(post.hostname, "ci-runner");
  assert.equal(post.note, "binstar_client:jane@ci-runner");
  assert.equal(await org.token(), server.orgApi.tokens[0]?.token);
});

Deno.test("an API URL that answers 404 or nothing is 'API server is unavailable', naming the url and its file", async () => {
  await using org = await orgSetup({ orgApiUnavailable: true });
  const config = `${org.home}/.continuum/anaconda-client/config.yaml`;
  const result = await org.run(["login"]);
  assert.equal(result.code, 1);
  assert.equal(
    result.stderr,
    "ServerError: API server is unavailable. Please check your API url configuration " +
      `(url ${org.url} from ${joinPath(org.home, ".continuum/anaconda-client", "config.yaml")})\n`,
  );
  // A port that nothing listens on.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  await Deno.writeTextFile(config, `url: https://127.0.0.1:${port}/api\n`);
  const refused = await org.run(["login"]);
  assert.equal(refused.code, 1);
  assert.match(
    refused.stderr,
    new RegExp(
      "^ServerError: API server is unavailable\\. Please check your API url configuration " +
        `\\(url https://127\\.0\\.0\\.1:${port}/api from [^)]+\\): .*refused`,
    ),
  );
  assert.equal(await org.token(), null);
});

Deno.test("an API key that anaconda.org refuses says which login to renew; nothing is stored", async () => {
  await using org = await orgSetup();
  const { server } = org;
  const part = (value: unknown) => btoa(JSON.stringify(value)).replace(/=+$/, "");
  const exp = Math.floor(Date.now() / 1000) + 3600;
  await storeApiKey(org.home, server, `${part({ alg: "HS256" })}.${part({ exp })}.c2lnbmF0dXJl`);
  const result = await org.run(["login"]);
  assert.equal(result.code, 1);
  assert.equal(
    result.stderr,
    `Unauthorized: ${org.url} refused the API key of ${server.domain} (Invalid API key): ` +
      `log in there again with anaconda login --at ${server.domain} --force\n`,
  );
  assert.equal(await org.token(), null);
});

Deno.test("the legacy login without a username on standard input fails naming --username", async () => {
  await using org = await orgSetup();
  const result = await org.run(["login"], { env: LEGACY });
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /Username: \nBinstarError: No username given: type it, or pass --username\n$/,
  );
});
