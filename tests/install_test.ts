/**
 * scripts/install.sh against a fake release on 127.0.0.1: the file for the machine is
 * downloaded, checked against SHA256SUMS and installed 755; a bad checksum, a missing
 * file or an unknown CPU installs nothing.
 * @module
 */
import assert from "node:assert/strict";
import { type CliResult, runProgram, tempHome } from "./support.ts";
import { fileURLToPath } from "node:url";

const INSTALL_SH = fileURLToPath(new URL("../scripts/install.sh", import.meta.url));
const PATH = Deno.env.get("PATH") ?? "/usr/bin:/bin";

/** A stand-in executable: a shell script that prints its version. */
function fakeBinary(name: string): string {
  return `#!/bin/sh\necho "anaconda-auth 9.9.9 (${name})"\n`;
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** A release folder `/download/` served on 127.0.0.1, with the request log. */
function fakeRelease(files: Record<string, string>) {
  const requests: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    const path = new URL(request.url).pathname;
    requests.push(path);
    const body = path.startsWith("/download/") ? files[path.slice("/download/".length)] : undefined;
    return body === undefined
      ? new Response("Not Found", { status: 404 })
      : new Response(body, { headers: { "content-type": "application/octet-stream" } });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/download`,
    requests,
    files,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

/** A release with a binary for each of these names and their SHA256SUMS. */
async function releaseFiles(names: string[]): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  let sums = "";
  for (const name of names) {
    files[name] = fakeBinary(name);
    sums += `${await sha256Hex(files[name])}  ${name}\n`;
  }
  files["SHA256SUMS"] = sums;
  return files;
}

const LINUX_X64 = "anaconda-x86_64-unknown-linux-gnu";
// install.sh is for Linux and macOS (Windows users download the .exe).
const ignore = Deno.build.os === "windows";
const MAC_ARM = "anaconda-aarch64-apple-darwin";

function install(
  args: string[],
  options: { home: string; env?: Record<string, string>; path?: string },
): Promise<CliResult> {
  // /bin/sh: dash on Debian, a strict POSIX shell.
  return runProgram("/bin/sh", [INSTALL_SH, ...args], {
    cwd: options.home,
    env: {
      PATH: options.path ?? PATH,
      HOME: options.home,
      ANACONDA_AUTH_OS: "Linux",
      ANACONDA_AUTH_ARCH: "x86_64",
      ...options.env,
    },
  });
}

/** install.sh --dir `dir` from the release at `url`, as on an x86_64 Linux machine. */
function installInto(dir: string, home: string, url: string): Promise<CliResult> {
  return install(["--dir", dir], { home, env: { ANACONDA_AUTH_RELEASE_URL: url } });
}

function listDir(path: string): string[] {
  try {
    return [...Deno.readDirSync(path)].map((entry) => entry.name).sort();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
}

Deno.test(
  { name: "install.sh installs the checked binary for the machine, mode 755", ignore },
  async () => {
    await using home = await tempHome();
    await using release = fakeRelease(await releaseFiles([LINUX_X64, MAC_ARM]));
    const dir = `${home.path}/tools/bin`;
    const result = await installInto(dir, home.path, release.url);
    assert.deepEqual(result.code, 0, result.stderr);
    assert.deepEqual(result.stdout, "");
    assert.deepEqual(release.requests, [`/download/${LINUX_X64}`, "/download/SHA256SUMS"]);
    assert.deepEqual(listDir(dir), ["anaconda"]);
    assert.deepEqual(await Deno.readTextFile(`${dir}/anaconda`), release.files[LINUX_X64]);
    assert.deepEqual((await Deno.stat(`${dir}/anaconda`)).mode! & 0o777, 0o755);
    assert.match(
      result.stderr,
      new RegExp(`installed ${dir}/anaconda \\(${LINUX_X64}, SHA-256 checked\\)`),
    );
    assert.match(result.stderr, /is not on your PATH/);
    const run = await runProgram(`${dir}/anaconda`, ["--version"], { env: { PATH } });
    assert.deepEqual(run.stdout, `anaconda-auth 9.9.9 (${LINUX_X64})\n`);
  },
);

Deno.test({
  name:
    "install.sh maps uname names (Darwin arm64) and defaults to ~/.local/bin, replacing the old one",
  ignore,
}, async () => {
  await using home = await tempHome();
  await using release = fakeRelease(await releaseFiles([LINUX_X64, MAC_ARM]));
  const dir = `${home.path}/.local/bin`;
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(`${dir}/anaconda`, "old version");
  const result = await install([], {
    home: home.path,
    path: `${dir}:${PATH}`,
    env: {
      ANACONDA_AUTH_RELEASE_URL: `${release.url}/`,
      ANACONDA_AUTH_OS: "Darwin",
      ANACONDA_AUTH_ARCH: "arm64",
    },
  });
  assert.deepEqual(result.code, 0, result.stderr);
  assert.deepEqual(release.requests[0], `/download/${MAC_ARM}`);
  assert.deepEqual(await Deno.readTextFile(`${dir}/anaconda`), release.files[MAC_ARM]);
  assert.deepEqual(/not on your PATH/.test(result.stderr), false);
});

Deno.test(
  { name: "install.sh refuses a checksum mismatch and leaves no file behind", ignore },
  async () => {
    await using home = await tempHome();
    const files = await releaseFiles([LINUX_X64]);
    files[LINUX_X64] += "tampered\n";
    await using release = fakeRelease(files);
    const dir = `${home.path}/bin`;
    await Deno.mkdir(dir);
    await Deno.writeTextFile(`${dir}/anaconda`, "old version");
    const result = await installInto(dir, home.path, release.url);
    assert.deepEqual(result.code, 1);
    assert.match(
      result.stderr,
      new RegExp(
        `error: checksum mismatch for ${LINUX_X64} \\(expected [0-9a-f]{64}, got [0-9a-f]{64}\\); nothing was installed\\n$`,
      ),
    );
    assert.deepEqual(listDir(dir), ["anaconda"]);
    assert.deepEqual(await Deno.readTextFile(`${dir}/anaconda`), "old version");
  },
);

Deno.test(
  { name: "install.sh refuses a release whose SHA256SUMS lacks the file", ignore },
  async () => {
    await using home = await tempHome();
    const files = await releaseFiles([LINUX_X64]);
    files["SHA256SUMS"] = `${"0".repeat(64)}  ${MAC_ARM}\n`;
    await using release = fakeRelease(files);
    const result = await installInto(`${home.path}/bin`, home.path, release.url);
    assert.deepEqual(result.code, 1);
    assert.match(
      result.stderr,
      /SHA256SUMS has no checksum for anaconda-x86_64-unknown-linux-gnu; nothing was installed\n$/,
    );
    assert.deepEqual(listDir(`${home.path}/bin`), []);
  },
);

Deno.test(
  { name: "install.sh reports a missing release file (404) and installs nothing", ignore },
  async () => {
    await using home = await tempHome();
    await using release = fakeRelease(await releaseFiles([MAC_ARM]));
    const result = await installInto(`${home.path}/bin`, home.path, release.url);
    assert.deepEqual(result.code, 1);
    assert.match(result.stderr, /404/);
    assert.match(
      result.stderr,
      new RegExp(`error: could not download ${release.url}/${LINUX_X64}\\n$`),
    );
    assert.deepEqual(listDir(`${home.path}/bin`), []);
  },
);

Deno.test(
  { name: "install.sh refuses an unsupported CPU or OS before any download", ignore },
  async () => {
    await using home = await tempHome();
    await using release = fakeRelease(await releaseFiles([LINUX_X64]));
    const env = { ANACONDA_AUTH_RELEASE_URL: release.url };
    const riscv = await install([], {
      home: home.path,
      env: { ...env, ANACONDA_AUTH_ARCH: "riscv64" },
    });
    assert.deepEqual(riscv.code, 1);
    assert.deepEqual(
      riscv.stderr,
      'install.sh: error: there is no release build for the CPU "riscv64" (only x86_64 and arm64)\n',
    );
    const bsd = await install([], {
      home: home.path,
      env: { ...env, ANACONDA_AUTH_OS: "FreeBSD" },
    });
    assert.deepEqual(bsd.code, 1);
    assert.match(bsd.stderr, /no release build for the OS "FreeBSD"/);
    assert.deepEqual(release.requests, []);
    assert.deepEqual(listDir(`${home.path}/.local`), []);
  },
);

Deno.test({
  name: "install.sh downloads a given version from GitHub, and usage errors exit 2",
  ignore,
}, async () => {
  await using home = await tempHome();
  // No network: the proxy refuses, so only the URL that was tried is checked.
  const proxy = { https_proxy: "http://127.0.0.1:9", HTTPS_PROXY: "http://127.0.0.1:9" };
  const result = await install(["--version", "1.2.3", "--dir", `${home.path}/bin`], {
    home: home.path,
    env: proxy,
  });
  assert.deepEqual(result.code, 1);
  assert.match(
    result.stderr,
    new RegExp(
      `^install.sh: downloading https://github.com/[\\w.-]+/[\\w.-]+/releases/download/v1.2.3/${LINUX_X64}\\n`,
    ),
  );
  const usage = await install(["--colour"], { home: home.path });
  assert.deepEqual(usage.code, 2);
  assert.match(usage.stderr, /^install.sh: unknown option: --colour\nusage: install.sh/);
  const missing = await install(["--dir"], { home: home.path });
  assert.deepEqual(missing.code, 2);
  assert.match(missing.stderr, /^install.sh: --dir needs a value\n/);
});

/** The path of `program` on PATH, or null. */
function which(program: string): string | null {
  for (const dir of PATH.split(":")) {
    try {
      if (Deno.statSync(`${dir}/${program}`).isFile) return `${dir}/${program}`;
    } catch {
      // not in this folder
    }
  }
  return null;
}

// What the script needs besides a downloader and a SHA-256 tool.
const BASE_TOOLS = ["sh", "mktemp", "rm", "awk", "cut", "cp", "chmod", "mv", "mkdir", "cat"];

Deno.test({
  name: "install.sh works with wget and shasum when curl and sha256sum are missing",
  ignore: ignore || [...BASE_TOOLS, "wget", "shasum", "perl"].some((tool) => which(tool) === null),
  async fn() {
    await using home = await tempHome();
    await using release = fakeRelease(await releaseFiles([LINUX_X64]));
    // A PATH with only these programs: no curl, no sha256sum.
    const tools = `${home.path}/tools`;
    await Deno.mkdir(tools);
    for (const tool of [...BASE_TOOLS, "wget", "shasum", "perl"]) {
      await Deno.symlink(which(tool)!, `${tools}/${tool}`);
    }
    const result = await install(["--dir", `${home.path}/bin`], {
      home: home.path,
      path: tools,
      env: { ANACONDA_AUTH_RELEASE_URL: release.url },
    });
    assert.deepEqual(result.code, 0, result.stderr);
    assert.deepEqual(
      await Deno.readTextFile(`${home.path}/bin/anaconda`),
      release.files[LINUX_X64],
    );
    // And without any downloader, a clear error before anything happens.
    await Deno.remove(`${tools}/wget`);
    const none = await install(["--dir", `${home.path}/bin2`], {
      home: home.path,
      path: tools,
      env: { ANACONDA_AUTH_RELEASE_URL: release.url },
    });
    assert.deepEqual(none.code, 1);
    assert.deepEqual(
      none.stderr,
      "install.sh: error: curl or wget is needed to download the release\n",
    );
  },
});
