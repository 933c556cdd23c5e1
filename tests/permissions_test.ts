/**
 * The CLI's Deno permissions (deno.json `"permissions"`, scripts/permissions.ts): every
 * way users run it grants exactly that set, and the commands work with it (no prompt,
 * no denial).
 * @module
 */
import assert from "node:assert/strict";
import { startDevServer } from "../scripts/stand_in/server.ts";
import {
  denoRunLine,
  importHostsOf,
  permissionFlags,
  permissionSet,
  permissionSetName,
  RUN_PERMISSIONS,
  runPermissions,
} from "../scripts/permissions.ts";
import { clientHostnameHeader } from "../src/http/hostname.ts";
import { siteEnv, TEST_BROWSER } from "./dev_site.ts";
import { cleanEnv, type CliResult, runProgram, tempHome } from "./support.ts";
import { condaLog, FAKE_CONDA, fakeConda, tokenEnv } from "./token_commands_support.ts";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const MAIN = `${ROOT}main.ts`;
const PROBE = `${ROOT}tests/fixtures/permission_probe.ts`;
const CONFIG = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`));

Deno.test("the anaconda task runs main.ts with the anaconda permission set, not -A", () => {
  assert.deepEqual(CONFIG.tasks.anaconda, "deno run --quiet --permission-set=anaconda main.ts");
});

Deno.test("the Windows permission set is the anaconda set plus FFI, nothing else", () => {
  assert.deepEqual(permissionSet("anaconda-windows"), { ...permissionSet("anaconda"), ffi: true });
  assert.deepEqual(permissionSetName("windows"), "anaconda-windows");
  assert.deepEqual(permissionSetName("linux"), "anaconda");
  assert.deepEqual(permissionSetName("darwin"), "anaconda");
  assert.deepEqual(runPermissions("windows"), [...runPermissions("linux"), "--allow-ffi"]);
});

Deno.test("permission sets become --allow flags: all, scoped, or left out", () => {
  assert.deepEqual(permissionFlags({ env: true, sys: ["hostname", "osRelease"], ffi: false }), [
    "--allow-env",
    "--allow-sys=hostname,osRelease",
  ]);
});

Deno.test("no task that runs the CLI or builds it grants everything", () => {
  for (const [name, command] of Object.entries(CONFIG.tasks as Record<string, string>)) {
    // The test runner's own subprocesses.
    if (name === "test" || name.startsWith("test:") || name === "ok" || name === "fuzz") continue;
    assert.deepEqual(/(^|\s)(-A|--allow-all)\b/.test(command), false, `task ${name}: ${command}`);
  }
});

Deno.test("the README's `deno run` lines of the bundle are exactly `deno task permissions URL`", async () => {
  const readme = await Deno.readTextFile(`${ROOT}README.md`);
  for (
    const [line, url] of readme.matchAll(/deno run (?:--?[\w-]+(?:=\S+)? )*(\S*anaconda\.js)/g)
  ) {
    const expected = [denoRunLine(url!, "linux"), denoRunLine(url!, "windows")];
    assert.deepEqual(expected.includes(line), true, `README: ${line}\nexpected: ${expected[0]}`);
  }
});

Deno.test("deno task permissions URL allows imports from that URL's host; GitHub's hosts only for github.com", () => {
  assert.deepEqual(importHostsOf("https://github.com/o/r/releases/latest/download/anaconda.js"), [
    "github.com:443",
    "release-assets.githubusercontent.com:443",
    "objects.githubusercontent.com:443",
  ]);
  assert.deepEqual(importHostsOf("https://mirror.example.com/anaconda/anaconda.js"), [
    "mirror.example.com:443",
  ]);
  assert.deepEqual(importHostsOf("http://127.0.0.1:8000/anaconda.js"), ["127.0.0.1:8000"]);
  assert.deepEqual(importHostsOf("https://[::1]:8443/anaconda.js"), ["[::1]:8443"]);
  // A local file needs no import permission.
  assert.deepEqual(importHostsOf("dist/anaconda.js"), []);
  assert.deepEqual(
    denoRunLine("https://mirror.example.com/anaconda.js", "linux"),
    `deno run --allow-import=mirror.example.com:443 ${runPermissions("linux").join(" ")} ` +
      "https://mirror.example.com/anaconda.js",
  );
  assert.deepEqual(
    denoRunLine("dist/anaconda.js", "linux"),
    `deno run ${runPermissions("linux").join(" ")} dist/anaconda.js`,
  );
});

async function probe(flags: string[]): Promise<Record<string, string>> {
  const result = await runProgram(Deno.execPath(), ["run", "--quiet", ...flags, PROBE], {
    env: cleanEnv(ROOT),
    cwd: ROOT,
  });
  assert.deepEqual(result.code, 0, result.stderr);
  return JSON.parse(result.stdout);
}

for (const name of ["anaconda", "anaconda-windows"]) {
  Deno.test(`the --allow flags grant exactly what the ${name} permission set grants`, async () => {
    const fromSet = await probe([`--permission-set=${name}`]);
    const fromFlags = await probe(permissionFlags(permissionSet(name)));
    assert.deepEqual(fromFlags, fromSet);
    // The probe does tell sets apart.
    assert.deepEqual(fromSet['{"name":"ffi"}'], name === "anaconda-windows" ? "granted" : "prompt");
    assert.deepEqual(fromSet['{"name":"import","host":"example.com:443"}'], "prompt");
  });
}

const DENIAL = /NotCapable|PermissionDenied|Deno requests|--allow-[a-z]+/;

/** `anaconda <args>` with exactly the CLI's flags; a missing permission fails, never prompts. */
async function anaconda(
  args: string[],
  home: string,
  env: Record<string, string>,
  stdin?: string,
): Promise<CliResult> {
  const result = await runProgram(
    Deno.execPath(),
    ["run", "--quiet", "--no-prompt", ...RUN_PERMISSIONS, MAIN, ...args],
    { env: cleanEnv(home, env), cwd: home, ...(stdin === undefined ? {} : { stdin }) },
  );
  const output = `${result.stdout}\n${result.stderr}`;
  assert.deepEqual(DENIAL.test(output), false, `anaconda ${args.join(" ")}: ${output}`);
  assert.deepEqual(result.code, 0, `anaconda ${args.join(" ")}: ${result.stderr}`);
  return result;
}

Deno.test("the CLI's commands run with exactly its permissions, stdin not a terminal", async () => {
  await using home = await tempHome();
  await using server = await startDevServer({ interval: 0, approveAfterPolls: 1 });
  const env = siteEnv(server);
  const sites = (args: string[]) => anaconda(["sites", ...args], home.path, {});
  const auth = (args: string[], extra: Record<string, string> = {}) =>
    anaconda(["auth", ...args], home.path, { ...env, ...extra });

  // sites: config.toml read and written.
  await sites(["add", "--domain", "work.example.com", "--name", "work", "-y"]);
  await sites(["add", "--domain", "lab.example.com", "--name", "lab", "--no-default", "-y"]);
  assert.match((await sites(["list"])).stdout, /work +work\.example\.com +✔/);
  assert.match((await sites(["show", "work"])).stdout, /work\.example\.com/);

  // login: the device flow (HTTPS with the test CA, $BROWSER run, the file keyring written).
  await auth(["login"]);
  // sys access to the hostname: the API-key request names this machine.
  const apiKeyRequest = server.requests.find((request) => request.path === "/api/auth/api-keys");
  assert.deepEqual(
    apiKeyRequest?.headers["x-client-hostname"],
    clientHostnameHeader(Deno.hostname(), true),
  );
  const apiKey = (await auth(["api-key"])).stdout.trim();
  assert.match(apiKey, /^[\w-]+\.[\w-]+\.[\w-]+$/);
  // The browser flow: a local redirect server and a real $BROWSER program.
  await auth(["login", "--force"], {
    ANACONDA_AUTH_USE_DEVICE_FLOW: "false",
    BROWSER: TEST_BROWSER,
  });
  await auth(["status"]);
  // ssl_verify = false: requests go through node:https, which reads root certificates.
  await auth(["whoami"], { ANACONDA_AUTH_SSL_VERIFY: "false" });

  // token: the repository API and repodata check, .condarc, conda's token file, `conda`.
  const conda = await fakeConda(home.path);
  const tokens = (args: string[]) =>
    anaconda(["token", ...args], home.path, tokenEnv(server, conda));
  await tokens(["install", "--yes"]);
  assert.match((await tokens(["list"])).stdout, /acme/);
  await tokens(["config", "--force"]);
  assert.match(await Deno.readTextFile(`${home.path}/.condarc`), /default_channels:/);
  if (FAKE_CONDA) {
    assert.deepEqual((await condaLog(home.path)).some((line) => line.startsWith("clean")), true);
  }
  await tokens(["uninstall", "--all"]);

  await auth(["logout"]);
  await sites(["remove", "work", "-y"]);
  assert.deepEqual(/work\.example\.com/.test((await sites(["list"])).stdout), false);
});

Deno.test("deno.json's package version is the CLI's version, and it exports mod.ts", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  const { VERSION } = await import("../src/version.ts");
  assert.deepEqual([config.version, config.exports["."]], [VERSION, "./mod.ts"]);
});
