/**
 * The one-file bundle (scripts/bundle.ts): `deno run <http URL of anaconda.js>` works
 * with the CLI's flags from an empty folder, with an empty Deno cache and no package
 * registry; and the bundle check refuses what would break that.
 * @module
 */
import { assertEquals, assertMatch } from "./assert.ts";
import { bundle, bundleImports, bundleProblems } from "../scripts/bundle.ts";
import { RUN_PERMISSIONS } from "../scripts/permissions.ts";
import { startDevServer } from "../scripts/dev-server.ts";
import { VERSION } from "../src/version.ts";
import { siteEnv } from "./dev_site.ts";
import { cleanEnv, type CliResult, runProgram, tempHome } from "./support.ts";
import { jwtExpiringIn } from "./token_support.ts";

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
  assertEquals(bundleImports(code), [
    "./chunk.js",
    "./lazy.ts",
    "fs",
    "node:http",
    "node:module",
    "npm:smol-toml@1.9.1",
    "side-effect",
  ]);
  assertEquals(bundleProblems(code).length, 6);
  assertMatch(bundleProblems(code).join("\n"), /createRequire/);
  assertEquals(bundleProblems('const http = await import("node:http");\n'), []);
  assertEquals(bundleProblems("const m = await import(name);\n").length, 1);
});

/** Serves the files of `dir` on 127.0.0.1 (GET only, no listing). */
function serveFolder(dir: string): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const name = new URL(request.url).pathname.slice(1);
    if (request.method !== "GET" || !/^[\w.-]+$/.test(name)) {
      return new Response("not found", { status: 404 });
    }
    try {
      const body = await Deno.readFile(`${dir}/${name}`);
      return new Response(body, { headers: { "content-type": "application/javascript" } });
    } catch {
      return new Response("not found", { status: 404 });
    }
  });
}

Deno.test("the bundle runs from an http URL with the CLI's flags, an empty cache and no registry", async () => {
  await using dist = await tempHome();
  await bundle(`${dist.path}/anaconda.js`);
  await using server = serveFolder(dist.path);
  await using devServer = await startDevServer();
  await using home = await tempHome();
  await using denoDir = await tempHome();
  await using emptyFolder = await tempHome();
  const url = `http://127.0.0.1:${server.addr.port}/anaconda.js`;

  async function anaconda(
    args: string[],
    options: { stdin?: string; env?: Record<string, string> } = {},
  ) {
    const result: CliResult = await runProgram(
      Deno.execPath(),
      ["run", "--quiet", "--no-prompt", ...RUN_PERMISSIONS, url, ...args],
      {
        cwd: emptyFolder.path,
        env: cleanEnv(home.path, {
          DENO_DIR: denoDir.path,
          // Any package download would fail: nothing may come from a registry.
          NPM_CONFIG_REGISTRY: "http://127.0.0.1:9/",
          ...options.env,
        }),
        ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
      },
    );
    assertEquals(result.code, 0, `anaconda ${args.join(" ")}: ${result.stderr}`);
    return result;
  }

  assertEquals((await anaconda(["--version"])).stdout, `anaconda-auth ${VERSION}\n`);
  await anaconda(["sites", "add", "--domain", "work.example.com", "--name", "work", "-y"]);
  assertMatch((await anaconda(["sites", "list"])).stdout, /work +work\.example\.com +✔/);
  const key = jwtExpiringIn(3600);
  await anaconda(["auth", "login", "--with-token"], { stdin: `${key}\n` });
  assertEquals((await anaconda(["auth", "api-key"])).stdout, `${key}\n`);
  // Network and TLS with a custom CA from inside the bundle.
  const env = siteEnv(devServer);
  await anaconda(["auth", "login", "--with-token"], { stdin: await devServer.issueApiKey(), env });
  const whoami = await anaconda(["auth", "whoami"], { env });
  assertEquals(JSON.parse(whoami.stdout).user.email, "jane.doe@example.com");
  // The empty folder stayed empty: nothing was written next to the user's files.
  assertEquals([...Deno.readDirSync(emptyFolder.path)], []);
});
