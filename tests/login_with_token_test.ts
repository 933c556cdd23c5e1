/**
 * `auth login --with-token`: on a terminal the pasted key is not echoed (it would stay on
 * screen and in the scrollback); from a pipe, text with control characters is refused
 * before anything is stored.
 */
import assert from "node:assert/strict";
import { startDevServer } from "../scripts/stand_in/server.ts";
import { siteEnv, storedToken } from "./dev_site.ts";
import { hasScript, runCli, tempHome } from "./support.ts";
import { Terminal } from "./terminal.ts";

Deno.test({
  name: "on a terminal --with-token does not echo the pasted key",
  ignore: !hasScript(),
  async fn() {
    await using home = await tempHome();
    await using server = await startDevServer();
    const key = await server.issueApiKey();
    const terminal = new Terminal(["auth", "login", "--with-token"], {
      home: home.path,
      env: siteEnv(server),
    });
    await terminal.waitFor("Paste the API key and press Enter: ");
    await terminal.type(`${key}\r`);
    assert.equal(await terminal.exit(), 0, terminal.output);
    assert.match(
      terminal.output,
      /Paste the API key and press Enter: \n✓ API key for \S+ stored in /,
    );
    assert.ok(!terminal.output.includes(key.slice(0, 20)), terminal.output);
    assert.equal((await storedToken(home.path, server.domain))?.api_key, key);
  },
});

Deno.test("--with-token refuses text with control characters before storing anything", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  const key = await server.issueApiKey();
  for (const text of [`${key}\u001b[2J`, `${key.slice(0, 10)}\u0007${key.slice(10)}`]) {
    const result = await runCli(["auth", "login", "--with-token"], {
      home: home.path,
      env: siteEnv(server),
      stdin: `${text}\n`,
    });
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr,
      "AuthenticationError: The text on standard input holds control characters, which no " +
        "API key has\n",
    );
  }
  assert.equal(await storedToken(home.path, server.domain), null);
});
