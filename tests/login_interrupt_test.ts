/**
 * Ctrl-C during a login: SIGINT is sent to the CLI process while it polls the device
 * flow or waits for the browser; it must exit 130, store nothing, and close its
 * redirect server.
 */
import assert from "node:assert/strict";
import { startDevServer } from "../scripts/stand_in/server.ts";
import { siteEnv, storedToken } from "./dev_site.ts";
import { cleanEnv, RUN_PERMISSIONS, tempHome } from "./support.ts";
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));
/** A Windows process cannot be sent SIGINT (Deno sends only SIGKILL and SIGTERM there). */
const NO_SIGINT = Deno.build.os === "windows";

/** Starts `anaconda <args>` and collects stderr as it arrives. */
function spawnCli(args: string[], options: { home: string; env: Record<string, string> }) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...RUN_PERMISSIONS, MAIN, ...args],
    cwd: options.home,
    env: cleanEnv(options.home, options.env),
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let stderr = "";
  const waiters: { pattern: RegExp; resolve: (match: RegExpExecArray) => void }[] = [];
  const decoder = new TextDecoder();
  const reading = (async () => {
    for await (const chunk of child.stderr) {
      stderr += decoder.decode(chunk, { stream: true });
      for (const waiter of [...waiters]) {
        const match = waiter.pattern.exec(stderr);
        if (match) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(match);
        }
      }
    }
  })();
  const stdout = new Response(child.stdout).text();
  const killer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  return {
    child,
    waitForStderr(pattern: RegExp): Promise<RegExpExecArray> {
      const match = pattern.exec(stderr);
      if (match) return Promise.resolve(match);
      return new Promise((resolve) => waiters.push({ pattern, resolve }));
    },
    async finished() {
      const status = await child.status;
      await reading;
      clearTimeout(killer);
      return { code: status.code, signal: status.signal, stdout: await stdout, stderr };
    },
  };
}

Deno.test({
  name: "Ctrl-C while the device flow polls exits 130 and stores nothing",
  ignore: NO_SIGINT,
}, async () => {
  await using home = await tempHome();
  // A 5 s interval: the CLI is asleep between polls when the signal arrives.
  await using server = await startDevServer({ interval: 5 });
  const cli = spawnCli(["auth", "login"], { home: home.path, env: siteEnv(server) });
  await server.waitForRequest("POST /api/auth/oauth2/token");
  await cli.waitForStderr(/Waiting for authorization/);
  cli.child.kill("SIGINT");
  const result = await cli.finished();
  assert.equal(result.code, 130);
  // Handled: the process exited by itself, not killed by the signal.
  assert.equal(result.signal, null);
  assert.match(result.stderr, /\nLogin cancelled\n$/);
  assert.equal(result.stdout, "");
  assert.equal(await storedToken(home.path, server.domain), null);
  assert.equal(
    server.requests.filter((request) => request.path === "/api/auth/oauth2/token").length,
    1,
  );
});

Deno.test({
  name: "Ctrl-C while waiting for the browser exits 130 and closes the redirect server",
  ignore: NO_SIGINT,
}, async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  const cli = spawnCli(["auth", "login"], {
    home: home.path,
    env: siteEnv(server, { ANACONDA_AUTH_USE_DEVICE_FLOW: "false" }),
  });
  const authorizeUrl = (await cli.waitForStderr(/visit:\n\n(\S+)\n/))[1] ?? "";
  await cli.waitForStderr(/Waiting for the browser login/);
  const redirectUri = new URL(authorizeUrl).searchParams.get("redirect_uri") ?? "";
  // The redirect server is up while the CLI waits.
  const probe = await fetch(new URL("/probe", redirectUri));
  await probe.body?.cancel();
  assert.equal(probe.status, 404);
  cli.child.kill("SIGINT");
  const result = await cli.finished();
  assert.equal(result.code, 130);
  assert.match(result.stderr, /\nLogin cancelled\n$/);
  await assert.rejects(() => fetch(redirectUri), TypeError);
  assert.equal(await storedToken(home.path, server.domain), null);
});
