/**
 * The legacy anaconda.org login on a real terminal (a pseudo-terminal made by util-linux
 * `script`): the username is echoed as typed, the password is not, Backspace edits it,
 * and Ctrl-C at the password prompt exits 130. Keys are typed only once the prompt
 * shows, as a user would.
 */
import assert from "node:assert/strict";
import { orgEnv, orgSetup } from "./org_support.ts";
import { ORG_PASSWORD } from "../scripts/stand_in/org_api.ts";
import { hasScript } from "./support.ts";
import { Terminal } from "./terminal.ts";

/** Switches the legacy username/password login on. */
const LEGACY = { ANACONDA_CLIENT_LEGACY_INTERACTIVE_LOGIN: "1" };

Deno.test({
  name: "on a terminal the password is not echoed; Backspace edits it",
  ignore: !hasScript(),
  async fn() {
    await using org = await orgSetup();
    const terminal = new Terminal(["login", "--at", "anaconda.org"], {
      home: org.home,
      env: orgEnv(org.server, LEGACY),
    });
    await terminal.waitFor("Username: ");
    await terminal.type("jane\r");
    await terminal.waitFor("jane's Password: ");
    // A typo, erased with Backspace (DEL), then the rest of the password and Enter.
    await terminal.type(`${ORG_PASSWORD}X\x7f\r`);
    const code = await terminal.exit();
    assert.equal(code, 0, terminal.output);
    assert.match(terminal.output, /Username: jane\njane's Password: \n✓ login successful: /);
    assert.ok(!terminal.output.includes(ORG_PASSWORD), terminal.output);
    assert.equal(await org.token(), org.server.orgApi.tokens[0]?.token);
  },
});

Deno.test({
  name: "Ctrl-C at the password prompt stops the login with exit code 130",
  ignore: !hasScript(),
  async fn() {
    await using org = await orgSetup();
    const terminal = new Terminal(["login", "--at", "anaconda.org", "--username", "jane"], {
      home: org.home,
      env: orgEnv(org.server, LEGACY),
    });
    await terminal.waitFor("jane's Password: ");
    await terminal.type("half-typed\x03");
    assert.equal(await terminal.exit(), 130, terminal.output);
    assert.ok(!terminal.output.includes("half-typed"), terminal.output);
    assert.equal(org.server.requests.filter((request) => request.method === "POST").length, 0);
    assert.equal(await org.token(), null);
  },
});
