/**
 * The TypeScript library (`mod.ts`) as a user of it sees it: log in to the stand-in
 * service, ask whether logged in, read the key, call the API with a `Client` (and a
 * subclass that names its application), log out.
 * @module
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  Client,
  getApiKey,
  isLoggedIn,
  loadConfig,
  login,
  logout,
  type Notice,
  TokenNotFoundError,
} from "../mod.ts";
import { childEnv } from "../scripts/child_env.ts";
import { startDevServer } from "../scripts/stand_in/server.ts";
import { siteEnv, storedToken } from "./dev_site.ts";
import { fakeContext } from "./fake_context.ts";
import { tempHome } from "./support.ts";

Deno.test("mod.ts: login, isLoggedIn, getApiKey, Client requests and account, logout", async () => {
  await using home = await tempHome();
  await using server = await startDevServer({ interval: 0, deviceApproval: "immediate" });
  const context = fakeContext({
    home: home.path,
    env: { ...siteEnv(server), HOME: home.path, ANACONDA_SECRETS_DIR: `${home.path}/none` },
    now: Date.now(),
    fetch: (input, init) => fetch(input, init),
  });
  const site = { context };

  assert.equal((await loadConfig(site)).domain, server.domain);
  assert.equal(await isLoggedIn(site), false);
  await assert.rejects(() => getApiKey(site), TokenNotFoundError);

  await login(site);
  const apiKey = await getApiKey(site);
  assert.equal((await storedToken(home.path, server.domain))?.api_key, apiKey);
  assert.equal(await isLoggedIn(site), true);
  const requestsBefore = server.requests.length;
  await login(site); // already logged in: nothing happens
  assert.equal(server.requests.length, requestsBefore);

  const client = new Client(site);
  try {
    const response = await client.get("/api/account");
    assert.equal(response.status, 200);
    assert.equal((await response.json()).user.email, server.user().email);
    const account = await client.account();
    assert.equal(account.domain, server.domain);
    const seen = server.requests.at(-1);
    assert.equal(seen?.headers["authorization"], `Bearer ${apiKey}`);
    assert.match(seen?.headers["user-agent"] ?? "", /^anaconda-auth\//);
  } finally {
    client.close();
  }

  assert.equal(await logout(site), true);
  assert.equal(await isLoggedIn(site), false);
  assert.equal(await logout(site), false);
});

Deno.test("mod.ts: a Client subclass names its application and API version", async () => {
  await using home = await tempHome();
  await using server = await startDevServer({});
  const context = fakeContext({
    home: home.path,
    env: { ...siteEnv(server), HOME: home.path, ANACONDA_SECRETS_DIR: `${home.path}/none` },
    now: Date.now(),
    fetch: (input, init) => fetch(input, init),
  });
  class MyClient extends Client {
    protected override userAgent = "my-app/1.0";
    protected override apiVersion = "2025.01.01";
  }
  const apiKey = await server.issueApiKey();
  const client = new MyClient({ context, apiKey, extraHeaders: { "X-Team": "data" } });
  try {
    const response = await client.post("/api/echo-nothing", { json: { a: 1 } });
    await response.body?.cancel();
  } finally {
    client.close();
  }
  const seen = server.requests.at(-1);
  assert.equal(seen?.headers["user-agent"], "my-app/1.0");
  assert.equal(seen?.headers["api-version"], "2025.01.01");
  assert.equal(seen?.headers["x-team"], "data");
  assert.equal(seen?.headers["content-type"], "application/json");
  assert.equal(seen?.headers["authorization"], `Bearer ${apiKey}`);
});

Deno.test("mod.ts is silent: loadConfig and isLoggedIn on a deprecated [plugin.cloud] table write nothing", async () => {
  await using home = await tempHome();
  await Deno.mkdir(`${home.path}/.anaconda`);
  await Deno.writeTextFile(
    `${home.path}/.anaconda/config.toml`,
    '[plugin.cloud]\ndomain = "old.example.com"\n',
  );
  const program = `${home.path}/program.ts`;
  await Deno.writeTextFile(
    program,
    `import { isLoggedIn, loadConfig } from ${
      JSON.stringify(new URL("../mod.ts", import.meta.url).href)
    };
const config = await loadConfig();
console.log(config.domain, await isLoggedIn());
`,
  );
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--allow-all",
      `--config=${fileURLToPath(new URL("../deno.json", import.meta.url))}`,
      program,
    ],
    cwd: home.path,
    env: childEnv(home.path),
    clearEnv: true,
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  assert.equal(decode(output.stderr), "");
  assert.equal(decode(output.stdout), "old.example.com false\n");
  assert.equal(output.code, 0);
});

Deno.test("mod.ts: notices reach the handler of denoContext, a level and a message each", async () => {
  await using home = await tempHome();
  await Deno.mkdir(`${home.path}/.anaconda`);
  await Deno.writeTextFile(
    `${home.path}/.anaconda/config.toml`,
    "[plugin.cloud]\nssl_verify = true\n",
  );
  const notices: Notice[] = [];
  const context = fakeContext({ home: home.path, env: { HOME: home.path } });
  context.notify = (notice) => void notices.push(notice);
  await loadConfig({ context });
  assert.deepEqual(notices.map((notice) => notice.level), ["deprecation"]);
  assert.match(notices[0]!.message, /^\[plugin\.cloud\] and ANACONDA_CLOUD_\* are deprecated/);
  assert.equal(context.err(), "");
});
