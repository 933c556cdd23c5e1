/**
 * The login-required recovery (docs/behaviour.md, "Errors and exit codes") on a terminal:
 * `whoami` without credentials asks `Continue with interactive login? [y/n]`; `y` logs in
 * (device flow against the stand-in service) and runs whoami again, `n` prints the hint. The
 * terminal is a pseudo-terminal made by util-linux `script`, so stdin, stdout and stderr are a
 * tty.
 */
import assert from "node:assert/strict";
import { startDevServer } from "../scripts/stand_in/server.ts";
import { siteEnv, storedToken } from "./dev_site.ts";
import { cleanEnv, hasScript, RUN_PERMISSIONS, runProgram, tempHome } from "./support.ts";
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));

/** Runs `anaconda <args>` on a pseudo-terminal; `typed` is what the user types. */
async function runOnTerminal(
  args: string[],
  options: { home: string; env: Record<string, string>; typed: string },
): Promise<{ code: number; output: string }> {
  const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;
  const commandLine = [Deno.execPath(), "run", "--quiet", ...RUN_PERMISSIONS, MAIN, ...args]
    .map(quote).join(" ");
  // `script` gives the CLI a pseudo-terminal; what it shows comes back on stdout.
  const result = await runProgram("script", ["-qec", commandLine, "/dev/null"], {
    cwd: options.home,
    env: cleanEnv(options.home, { TERM: "dumb", ...options.env }),
    stdin: options.typed,
  });
  return { code: result.code, output: result.stdout.replaceAll("\r\n", "\n") };
}

Deno.test({
  name: "on a terminal, answering y logs in and runs the command again",
  ignore: !hasScript(),
  async fn() {
    await using home = await tempHome();
    await using server = await startDevServer({ interval: 0.05 });
    const running = runOnTerminal(["whoami"], {
      home: home.path,
      env: siteEnv(server),
      typed: "y\n",
    });
    server.approve(await server.waitForUserCode());
    const { code, output } = await running;
    assert.equal(code, 0, output);
    assert.match(output, /TokenNotFoundError: Login is required to complete this action\.\n/);
    assert.match(output, /Continue with interactive login\? \[y\/n\]: /);
    assert.match(output, /✓ Login successful! API key stored in file keyring/);
    // The re-run printed the account.
    assert.match(output, /"email": "jane\.doe@example\.com"/);
    assert.doesNotMatch(output, /To log in, run/);
    assert.ok((await storedToken(home.path, server.domain))?.api_key);
  },
});

Deno.test({
  name: "on a terminal, answering n prints the hint and exits 1",
  ignore: !hasScript(),
  async fn() {
    await using home = await tempHome();
    await using server = await startDevServer();
    const { code, output } = await runOnTerminal(["auth", "whoami"], {
      home: home.path,
      env: siteEnv(server),
      typed: "n\n",
    });
    assert.equal(code, 1, output);
    assert.match(output, /Continue with interactive login\? \[y\/n\]: /);
    assert.match(output, /To log in, run: anaconda auth login \(or set ANACONDA_AUTH_API_KEY\)\n/);
    assert.equal(server.requests.length, 0);
    assert.equal(await storedToken(home.path, server.domain), null);
  },
});

Deno.test({
  name: "the recovery login and the re-run use the destination picked on the terminal",
  ignore: !hasScript(),
  async fn() {
    await using home = await tempHome();
    await using server = await startDevServer({ interval: 0.05 });
    const port = server.domain.split(":")[1];
    await Deno.mkdir(`${home.path}/.anaconda`);
    await Deno.writeTextFile(
      `${home.path}/.anaconda/config.toml`,
      `default_site = "first"\n\n[sites.first]\ndomain = "127.0.0.1:${port}"\n\n` +
        `[sites.second]\ndomain = "localhost:${port}"\n`,
    );
    const running = runOnTerminal(["whoami"], {
      home: home.path,
      env: {
        ANACONDA_AUTH_SSL_VERIFY: server.caPath ?? "true",
        ANACONDA_AUTH_REDIRECT_URI: "http://127.0.0.1:0/auth/oidc",
        BROWSER: "true",
      },
      // Pick the second site (after anaconda.org), then accept the login.
      typed: "3\ny\n",
    });
    server.approve(await server.waitForUserCode());
    const { code, output } = await running;
    assert.equal(code, 0, output);
    assert.equal(output.match(/choose destination:/g)?.length, 1, output);
    assert.match(output, /"email": "jane\.doe@example\.com"/);
    assert.ok((await storedToken(home.path, `localhost:${port}`))?.api_key);
    assert.equal(await storedToken(home.path, `127.0.0.1:${port}`), null);
  },
});
