/**
 * Settings files that exist but cannot be read (no permission, an I/O error) are never
 * skipped in silence: a warning names the file or folder. Otherwise `login --at
 * anaconda.org` would go to https://api.anaconda.org instead of the configured server
 * without a word.
 *
 * Permissions bind even root here: the CLI runs without CAP_DAC_OVERRIDE (util-linux
 * `setpriv`). I/O errors are injected with `strace -P <path> -e inject=...:error=EIO`
 * where strace works.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { cleanEnv, type CliResult, RUN_PERMISSIONS, runProgram, tempHome } from "./support.ts";

const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));
const isRoot = Deno.build.os !== "windows" && Deno.uid() === 0;

/** A port nothing listens on: the proxy of the runs, so that nothing leaves the machine. */
function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Runs `anaconda <args>` in `home`, optionally behind `wrapper` (setpriv, strace). */
function run(
  args: string[],
  home: string,
  options: { wrapper?: string[]; env?: Record<string, string> } = {},
): Promise<CliResult> {
  const deno = [Deno.execPath(), "run", "--quiet", ...RUN_PERMISSIONS, MAIN, ...args];
  const [program, ...rest] = [...options.wrapper ?? [], ...deno];
  return runProgram(program!, rest, {
    cwd: home,
    env: cleanEnv(home, { HTTPS_PROXY: `http://127.0.0.1:${closedPort()}`, ...options.env }),
    timeoutMs: 30_000,
  });
}

/** File permissions bind the CLI, even as root. */
const BOUND_BY_PERMISSIONS = isRoot
  ? ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"]
  : [];

/** Whether `strace` can trace here (installed, and ptrace allowed). */
function straceWorks(): boolean {
  try {
    return new Deno.Command("strace", { args: ["-o", "/dev/null", "true"], stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

async function orgConfig(home: string): Promise<string> {
  const folder = `${home}/.continuum/anaconda-client`;
  await Deno.mkdir(folder, { recursive: true });
  await Deno.writeTextFile(`${folder}/config.yaml`, "url: https://org.example.test/api\n");
  return folder;
}

Deno.test({
  name: "an anaconda-client config folder without permission is a warning naming it",
  ignore: Deno.build.os === "windows",
  async fn() {
    await using home = await tempHome();
    const folder = await orgConfig(home.path);
    await Deno.chmod(folder, 0o000);
    try {
      const result = await run(["whoami", "--at", "anaconda.org"], home.path, {
        wrapper: BOUND_BY_PERMISSIONS,
        env: { BINSTAR_API_TOKEN: "tk-1234" },
      });
      assert.equal(result.code, 1);
      const [warning] = result.stderr.split("\n");
      assert.match(
        warning!,
        new RegExp(
          `^Warning: the anaconda-client config folder ${folder} is ignored: Permission denied`,
        ),
      );
    } finally {
      await Deno.chmod(folder, 0o755);
    }
  },
});

Deno.test({
  name: "an I/O error on an anaconda-client config folder is a warning naming it",
  ignore: Deno.build.os !== "linux" || !straceWorks(),
  async fn() {
    await using home = await tempHome();
    const folder = await orgConfig(home.path);
    const result = await run(["whoami", "--at", "anaconda.org"], home.path, {
      wrapper: ["strace", "-f", "-qq", "-o", "/dev/null", "-P", folder, "-e", "trace=openat"]
        .concat(["-e", "inject=openat:error=EIO"]),
      env: { BINSTAR_API_TOKEN: "tk-1234" },
    });
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      new RegExp(
        `^Warning: the anaconda-client config folder ${folder} is ignored: Input/output error`,
      ),
    );
  },
});

Deno.test({
  name: "a .env without permission is a warning naming it, not silently ignored",
  ignore: Deno.build.os === "windows",
  async fn() {
    await using home = await tempHome();
    const dotenv = `${home.path}/.env`;
    await Deno.writeTextFile(dotenv, "ANACONDA_AUTH_DOMAIN=example.test\n");
    await Deno.chmod(dotenv, 0o000);
    const result = await run(["auth", "api-key"], home.path, { wrapper: BOUND_BY_PERMISSIONS });
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      new RegExp(`^Warning: the settings file ${dotenv} is ignored: Permission denied`),
    );
  },
});
