/**
 * The one-file bundle (scripts/bundle.ts): `deno run <http URL of anaconda.js>` works
 * with the CLI's flags from an empty folder, with an empty Deno cache and no package
 * registry; and the bundle check refuses what would break that.
 * @module
 */
import assert from "node:assert/strict";
import { bundle, bundleImports, bundleProblems } from "../scripts/bundle.ts";
import { denoRunArgs } from "../scripts/permissions.ts";
import { startDevServer } from "../scripts/stand_in/server.ts";
import { VERSION } from "../src/version.ts";
import { siteEnv } from "./dev_site.ts";
import { cleanEnv, type CliResult, runProgram, tempHome } from "./support.ts";
import { jwtExpiringIn } from "./token_support.ts";

const PERMISSIONS = new URL("../scripts/permissions.ts", import.meta.url).pathname;

Deno.test("bundle check: only node: built-ins may stay imported", () => {
  const code = [
    'import { createRequire as r } from "node:module";',
    'import * as toml from "npm:smol-toml@1.9.1";',
    'export { x } from "./chunk.js";',
    'import "side-effect";',
    'const http = await import("node:http");',
    'const lazy = await import("./lazy.ts");',
    'const fs = require("fs");',
  ].join("\n");
  assert.deepEqual(bundleImports(code), [
    "./chunk.js",
    "./lazy.ts",
    "fs",
    "node:http",
    "node:module",
    "npm:smol-toml@1.9.1",
    "side-effect",
  ]);
  assert.deepEqual(bundleProblems(code).length, 6);
  assert.match(bundleProblems(code).join("\n"), /createRequire/);
  assert.deepEqual(bundleProblems('const http = await import("node:http");\n'), []);
  assert.deepEqual(bundleProblems("const m = await import(name);\n").length, 1);
});

/**
 * A stand-in for GitHub releases on 127.0.0.1: `/releases/latest/download/<name>`
 * redirects, as github.com does, to another host (`localhost`) that serves the file
 * from `dir`.
 */
function serveRelease(dir: string): Deno.HttpServer<Deno.NetAddr> {
  const server: Deno.HttpServer<Deno.NetAddr> = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen() {},
  }, async (request): Promise<Response> => {
    const path = new URL(request.url).pathname;
    const redirect = path.match(/^\/releases\/latest\/download\/([\w.-]+)$/);
    if (redirect) {
      return Response.redirect(`http://localhost:${server.addr.port}/assets/${redirect[1]}`, 302);
    }
    const asset = path.match(/^\/assets\/([\w.-]+)$/);
    if (request.method !== "GET" || !asset) return new Response("not found", { status: 404 });
    try {
      const body = await Deno.readFile(`${dir}/${asset[1]}`);
      return new Response(body, { headers: { "content-type": "application/javascript" } });
    } catch {
      return new Response("not found", { status: 404 });
    }
  });
  return server;
}

interface RunOptions {
  stdin?: string;
  env?: Record<string, string>;
}

Deno.test("the bundle runs from a redirecting release URL with the README flags, an empty cache and no registry", async () => {
  await using dist = await tempHome();
  await bundle(`${dist.path}/anaconda.js`);
  await using server = serveRelease(dist.path);
  await using devServer = await startDevServer();
  await using home = await tempHome();
  await using denoDir = await tempHome();
  await using emptyFolder = await tempHome();
  const url = `http://127.0.0.1:${server.addr.port}/releases/latest/download/anaconda.js`;
  // Like GITHUB_RELEASE_HOSTS: the release host and the host it redirects to.
  const importHosts = [`127.0.0.1:${server.addr.port}`, `localhost:${server.addr.port}`];

  function run(hosts: string[], args: string[], options: RunOptions = {}): Promise<CliResult> {
    const [subcommand, ...rest] = denoRunArgs(url, Deno.build.os, hosts);
    return runProgram(Deno.execPath(), [subcommand!, "--quiet", "--no-prompt", ...rest, ...args], {
      cwd: emptyFolder.path,
      env: cleanEnv(home.path, {
        DENO_DIR: denoDir.path,
        // Any package download would fail: nothing may come from a registry.
        NPM_CONFIG_REGISTRY: "http://127.0.0.1:9/",
        ...options.env,
      }),
      ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
    });
  }
  async function anaconda(args: string[], options: RunOptions = {}): Promise<CliResult> {
    const result = await run(importHosts, args, options);
    assert.deepEqual(result.code, 0, `anaconda ${args.join(" ")}: ${result.stderr}`);
    return result;
  }

  // Without the host the release redirects to, Deno refuses to load the bundle.
  const refused = await run(importHosts.slice(0, 1), ["--version"]);
  assert.deepEqual(refused.code, 1);
  assert.match(refused.stderr, /Requires import access to "localhost:\d+"/);

  assert.deepEqual((await anaconda(["--version"])).stdout, `anaconda-auth ${VERSION}\n`);
  await anaconda(["sites", "add", "--domain", "work.example.com", "--name", "work", "-y"]);
  assert.match((await anaconda(["sites", "list"])).stdout, /work +work\.example\.com +✔/);
  const key = jwtExpiringIn(3600);
  await anaconda(["auth", "login", "--with-token"], { stdin: `${key}\n` });
  assert.deepEqual((await anaconda(["auth", "api-key"])).stdout, `${key}\n`);
  // Network and TLS with a custom CA from inside the bundle.
  const env = siteEnv(devServer);
  await anaconda(["auth", "login", "--with-token"], { stdin: await devServer.issueApiKey(), env });
  const whoami = await anaconda(["auth", "whoami"], { env });
  assert.deepEqual(JSON.parse(whoami.stdout).user.email, "jane.doe@example.com");
  // The empty folder stayed empty: nothing was written next to the user's files.
  assert.deepEqual([...Deno.readDirSync(emptyFolder.path)], []);

  // `deno task permissions URL` prints a line that runs the bundle from that URL (a mirror
  // that does not redirect: its own host, not GitHub's).
  const mirror = `http://127.0.0.1:${server.addr.port}/assets/anaconda.js`;
  const printed = await runProgram(Deno.execPath(), ["run", PERMISSIONS, mirror], {
    env: cleanEnv(home.path),
  });
  assert.deepEqual(printed.code, 0, printed.stderr);
  const [deno, ...line] = printed.stdout.trim().split(" ");
  assert.deepEqual([deno, line.at(-1)], ["deno", mirror]);
  assert.deepEqual(line.includes(`--allow-import=127.0.0.1:${server.addr.port}`), true);
  const fromMirror = await runProgram(Deno.execPath(), [...line, "--version"], {
    cwd: emptyFolder.path,
    env: cleanEnv(home.path, {
      DENO_DIR: denoDir.path,
      NPM_CONFIG_REGISTRY: "http://127.0.0.1:9/",
    }),
  });
  assert.deepEqual([fromMirror.code, fromMirror.stdout], [0, `anaconda-auth ${VERSION}\n`]);
});
