/**
 * `deno task install [DIR]` (scripts/install_from_source.ts): the installed `anaconda`
 * works from a new shell whose PATH holds only DIR and the system folders (no `deno`),
 * with an empty Deno cache and no package registry, in a folder with its own
 * `deno.json` and `package.json`; and the installer says how to put DIR on PATH.
 * @module
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { onPath, pathLine, shellWord } from "../scripts/install_from_source.ts";
import { VERSION } from "../src/version.ts";
import { cleanEnv, type CliResult, runProgram, tempHome } from "./support.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
/** The installer writes a POSIX shell launcher; on Windows it refuses (a release .exe is used). */
const POSIX_ONLY = Deno.build.os === "windows";
const INSTALLER = `${ROOT}scripts/install_from_source.ts`;
const CONFIG = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`));

Deno.test("the install task runs the installer with its own permissions, not -A", () => {
  assert.deepEqual(
    CONFIG.tasks.install,
    "deno run --allow-env --allow-read --allow-write --allow-run scripts/install_from_source.ts",
  );
});

Deno.test({
  name:
    "the installed anaconda runs from a shell with only its folder on PATH, downloading nothing",
  ignore: POSIX_ONLY,
}, async () => {
  await using home = await tempHome();
  await using denoDir = await tempHome();
  await using work = await tempHome();
  const bin = `${home.path}/my bin`;
  const install = await runProgram(
    Deno.execPath(),
    ["run", "--allow-env", "--allow-read", "--allow-write", "--allow-run", INSTALLER, bin],
    { env: cleanEnv(home.path, { PATH: "/usr/bin:/bin", SHELL: "/usr/bin/zsh" }), cwd: ROOT },
  );
  assert.deepEqual(install.code, 0, install.stderr);
  const data = `${home.path}/.local/share/anaconda-auth`;
  assert.deepEqual(
    install.stderr,
    `Installed anaconda ${VERSION} as ${bin}/anaconda\n` +
      `(it runs ${data}/anaconda.js with Deno ${Deno.version.deno} copied to ${data}/deno)\n` +
      `${bin} is not on your PATH. Add this line to ~/.zshrc, then open a new shell:\n` +
      `  export PATH="${bin}:$PATH"\n`,
  );
  // Nothing of the checkout is used at run time: `git clean -xdf` cannot break it.
  const script = await Deno.readTextFile(`${bin}/anaconda`);
  assert.deepEqual(script.includes(ROOT), false, script);
  assert.deepEqual((await Deno.stat(`${bin}/anaconda`)).mode! & 0o777, 0o755);

  // A project folder whose deno.json and package.json would pull packages if Deno read them.
  await Deno.writeTextFile(
    `${work.path}/deno.json`,
    '{ "imports": { "smol-toml": "npm:smol-toml@0.0.1" }, "nodeModulesDir": "auto" }\n',
  );
  await Deno.writeTextFile(
    `${work.path}/package.json`,
    '{ "dependencies": { "yaml": "1.0.0" } }\n',
  );
  const shell = (command: string): Promise<CliResult> =>
    runProgram("/bin/sh", ["-c", command], {
      cwd: work.path,
      env: {
        HOME: home.path,
        PATH: `${bin}:/usr/bin:/bin`,
        DENO_DIR: denoDir.path,
        // Any package download would fail.
        NPM_CONFIG_REGISTRY: "http://127.0.0.1:9/",
        NO_COLOR: "1",
      },
    });
  assert.deepEqual((await shell("command -v deno || echo none")).stdout, "none\n");
  const added = await shell("anaconda sites add --domain work.example.com --name work --yes");
  assert.deepEqual(added.code, 0, added.stderr);
  assert.deepEqual(
    added.stderr,
    "✓ Added site work (work.example.com), now the default; removed site anaconda.com\n",
  );
  const list = await shell("anaconda sites list");
  assert.deepEqual(list.code, 0, list.stderr);
  assert.match(list.stdout, /^work +work\.example\.com +✔\s*$/m);
  const status = await shell("anaconda auth status");
  assert.deepEqual(status.code, 1, status.stderr);
  assert.match(status.stdout, /^work +work\.example\.com +✔ +no\s*$/m);
  assert.deepEqual(
    status.stderr,
    "You are not logged in to work (work.example.com).\n" +
      "To log in, run: anaconda login --at work (or set ANACONDA_AUTH_API_KEY)\n",
  );
  assert.deepEqual((await shell("anaconda --version")).stdout, `anaconda-auth ${VERSION}\n`);

  // Nothing was fetched into the empty cache, nor written next to the project's files.
  const cached = [...Deno.readDirSync(denoDir.path)].map((entry) => entry.name);
  assert.deepEqual(
    cached.filter((name) => ["remote", "deps", "gen", "registries"].includes(name)),
    [],
  );
  if (cached.includes("npm")) assert.deepEqual([...Deno.readDirSync(`${denoDir.path}/npm`)], []);
  assert.deepEqual([...Deno.readDirSync(work.path)].map((entry) => entry.name).sort(), [
    "deno.json",
    "package.json",
  ]);
});

Deno.test({
  name: "the PATH advice: only when the folder is not on PATH, in the user's shell's words",
  ignore: POSIX_ONLY,
}, async () => {
  await using home = await tempHome();
  await Deno.mkdir(`${home.path}/bin`);
  await Deno.symlink(`${home.path}/bin`, `${home.path}/link`);
  assert.deepEqual(onPath(`${home.path}/bin`, `/usr/bin:${home.path}/link`), true);
  assert.deepEqual(onPath(`${home.path}/bin/`, `${home.path}/bin:/usr/bin`), true);
  assert.deepEqual(onPath(`${home.path}/bin`, "/usr/bin:/bin"), false);
  assert.deepEqual(
    pathLine("/h/.local/bin", "/bin/bash"),
    'Add this line to ~/.bashrc, then open a new shell:\n  export PATH="/h/.local/bin:$PATH"',
  );
  assert.deepEqual(
    pathLine('/h/a "$b"', undefined),
    'Add this line to ~/.profile, then open a new shell:\n  export PATH="/h/a \\"\\$b\\":$PATH"',
  );
  assert.deepEqual(
    pathLine("/h/bin", "/usr/bin/fish"),
    "Run once (fish keeps it):\n  fish_add_path '/h/bin'",
  );
  assert.deepEqual(shellWord("it's"), `'it'\\''s'`);
});
