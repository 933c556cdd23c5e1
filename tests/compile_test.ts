/**
 * `deno task compile` (scripts/compile.ts): executables from the bundle with the
 * permission set of deno.json, SHA256SUMS, and one clear line when `denort` cannot be
 * fetched. A real denort cannot be downloaded here, so the offline build uses a
 * stand-in base executable (DENORT_BIN): what is checked is what deno compile embeds.
 * @module
 */
import assert from "node:assert/strict";
import { denortFailure, executableName, parseArgs, TARGETS } from "../scripts/compile.ts";
import { childEnv, denoDir } from "../scripts/child_env.ts";
import { permissionSet } from "../scripts/permissions.ts";
import { runProgram, tempHome } from "./support.ts";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const COMPILE = `${ROOT}scripts/compile.ts`;

function runCompile(args: string[], env: Record<string, string>) {
  return runProgram(Deno.execPath(), ["run", "--quiet", "-A", COMPILE, ...args], {
    cwd: ROOT,
    env: {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      DENO_DIR: denoDir(),
      NO_COLOR: "1",
      ...env,
    },
    timeoutMs: 120_000,
  });
}

Deno.test("compile arguments: every target by default, names checked, an output folder", () => {
  assert.deepEqual(parseArgs([]).targets, [...TARGETS]);
  assert.deepEqual(parseArgs(["--out-dir", "/x", "aarch64-apple-darwin"]), {
    targets: ["aarch64-apple-darwin"],
    outDir: "/x",
  });
  assert.throws(() => parseArgs(["x86_64-linux"]), {
    name: "UsageError",
    message: /unknown target "x86_64-linux"/,
  });
  assert.throws(() => parseArgs(["--out-dir"]), {
    name: "UsageError",
    message: /--out-dir needs a folder/,
  });
  assert.deepEqual(executableName("x86_64-pc-windows-msvc"), "anaconda-x86_64-pc-windows-msvc.exe");
  assert.deepEqual(executableName("aarch64-apple-darwin"), "anaconda-aarch64-apple-darwin");
});

Deno.test("a failed denort download becomes one line with the URL, the cause and DENORT_BIN", () => {
  const stderr = [
    "error: Writing deno compile executable to temporary file 'x.tmp'",
    "",
    "Caused by:",
    "    0: Setting up base binary.",
    "    1: error sending request for url (https://dl.deno.land/release/v2.9.6/denort-x86_64-apple-darwin.zip): client error (Connect)",
    "    2: dns error",
    "    3: failed to lookup address information: Name or service not known",
    "",
    "Stack backtrace:",
    "   0: <unknown>",
  ].join("\n");
  assert.deepEqual(
    denortFailure(stderr, "x86_64-apple-darwin"),
    "could not download denort for x86_64-apple-darwin from " +
      "https://dl.deno.land/release/v2.9.6/denort-x86_64-apple-darwin.zip " +
      "(failed to lookup address information: Name or service not known); deno compile needs " +
      "internet access, or DENORT_BIN set to a denort executable of that target",
  );
  assert.deepEqual(denortFailure("error: Module not found", "x86_64-apple-darwin"), null);
});

const cachedDenort = (target: string) => {
  try {
    Deno.statSync(`${denoDir()}/dl/release/v${Deno.version.deno}/denort-${target}.zip`);
    return true;
  } catch {
    return false;
  }
};

/**
 * `deno bundle` fetches its esbuild from npm on first use, like any dependency; the test
 * below cuts the network, so the bundler must be in Deno's cache before (it is when the
 * bundle tests ran first, but tests run in parallel, in no set order).
 */
async function cacheBundler(dir: string): Promise<void> {
  await Deno.writeTextFile(`${dir}/one.ts`, "console.log(1);\n");
  const result = await runProgram(
    Deno.execPath(),
    ["bundle", "--quiet", `${dir}/one.ts`, "--output", `${dir}/one.js`],
    {
      cwd: dir,
      env: childEnv(dir),
      timeoutMs: 120_000,
    },
  );
  assert.deepEqual(result.code, 0, result.stderr);
}

Deno.test({
  name: "compile without access to denort exits 1 with one line and builds nothing",
  // A denort in Deno's cache would be used without any download.
  ignore: cachedDenort("aarch64-apple-darwin"),
  async fn() {
    await using out = await tempHome();
    await cacheBundler(out.path);
    const result = await runCompile(["--out-dir", out.path, "aarch64-apple-darwin"], {
      // No internet: the download goes through a proxy that refuses connections.
      HTTPS_PROXY: "http://127.0.0.1:9",
      https_proxy: "http://127.0.0.1:9",
    });
    assert.deepEqual(result.code, 1, result.stderr);
    const lines = result.stderr.trimEnd().split("\n");
    assert.deepEqual(lines.length, 1, result.stderr);
    assert.match(
      lines[0]!,
      /^compile: could not download denort for aarch64-apple-darwin from https:\/\/dl\.deno\.land\/\S+denort-aarch64-apple-darwin\.zip \((?!<unknown>).+\); .*DENORT_BIN/,
    );
    const files = [...Deno.readDirSync(out.path)].map((entry) => entry.name);
    assert.deepEqual(
      files.filter((name) => name.startsWith("anaconda-") || name === "SHA256SUMS"),
      [],
    );
  },
});

Deno.test("DENORT_BIN builds one target at a time", async () => {
  await using out = await tempHome();
  const result = await runCompile(["--out-dir", out.path], { DENORT_BIN: "/bin/true" });
  assert.deepEqual(result.code, 1);
  assert.deepEqual(
    result.stderr,
    "compile: DENORT_BIN names the denort of one target: build one target at a time\n",
  );
});

Deno.test({
  name: "an offline build embeds the bundle with the permission set and writes SHA256SUMS",
  // The stand-in denort must be an ELF executable: any Linux program will do.
  ignore: Deno.build.os !== "linux",
  async fn() {
    await using out = await tempHome();
    const target = "x86_64-unknown-linux-gnu";
    const result = await runCompile(["--out-dir", out.path, target], { DENORT_BIN: "/bin/true" });
    assert.deepEqual(result.code, 0, result.stderr);
    const binary = await Deno.readFile(`${out.path}/${executableName(target)}`);
    const text = new TextDecoder("latin1").decode(binary);
    // Deno's metadata of a compiled program: exactly the anaconda set, never a prompt.
    const metadata = text.match(/"permissions":\{[^}]*\}/)?.[0] ?? "";
    const set = permissionSet("anaconda");
    for (const name of ["env", "ffi", "net", "read", "run", "sys", "write"]) {
      const grant = set[name];
      // In the metadata, [] grants everything and null nothing.
      const expected = grant === true
        ? "[]"
        : Array.isArray(grant)
        ? JSON.stringify(grant)
        : "null";
      assert.ok(metadata.includes(`"allow_${name}":${expected},`), `allow_${name}`);
    }
    assert.match(metadata, /"prompt":false/);
    // The program is the bundle.
    const bundle = await Deno.readTextFile(`${out.path}/anaconda.js`);
    assert.deepEqual(text.includes(bundle.slice(0, 2000)), true);
    const sums = await Deno.readTextFile(`${out.path}/SHA256SUMS`);
    assert.match(
      sums,
      /^[0-9a-f]{64} {2}anaconda\.js\n[0-9a-f]{64} {2}anaconda-x86_64-unknown-linux-gnu\n$/,
    );
    const check = await runProgram("sha256sum", ["-c", "SHA256SUMS"], {
      cwd: out.path,
      env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" },
    });
    assert.deepEqual(check.code, 0, check.stdout + check.stderr);
  },
});
