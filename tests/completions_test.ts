/**
 * `anaconda completions bash`: the script, loaded into a real bash, completes
 * subcommands, options and configured site names through `anaconda __complete`.
 * @module
 */
import assert from "node:assert/strict";
import { cleanEnv, RUN_PERMISSIONS, runCli, runProgram, tempHome } from "./support.ts";
import { fileURLToPath } from "node:url";
import { NO_BASH, unlessWine } from "./wine.ts";

const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));

/**
 * Whether `name` is a program on PATH. Tests of zsh are ignored without it, unless
 * CI=true (.ci/run installs zsh), where they run and fail.
 */
function hasProgram(name: string): boolean {
  return (Deno.env.get("PATH") ?? "").split(":").some((dir) => {
    try {
      return Deno.statSync(`${dir}/${name}`).isFile;
    } catch {
      return false;
    }
  });
}

/** A HOME with two sites and an `anaconda` command on PATH that runs main.ts. */
async function setUp(home: string): Promise<Record<string, string>> {
  await Deno.mkdir(`${home}/.anaconda`);
  await Deno.writeTextFile(
    `${home}/.anaconda/config.toml`,
    'default_site = "work"\n[sites.work]\ndomain = "work.example"\n[sites.dev]\ndomain = "dev.example"\n',
  );
  await Deno.mkdir(`${home}/bin`);
  const quoted = [Deno.execPath(), "run", "--quiet", ...RUN_PERMISSIONS, MAIN]
    .map((word) => `'${word}'`).join(" ");
  await Deno.writeTextFile(`${home}/bin/anaconda`, `#!/bin/sh\nexec ${quoted} "$@"\n`, {
    mode: 0o755,
  });
  const env = cleanEnv(home);
  return { ...env, PATH: `${home}/bin:${env.PATH}` };
}

/** What bash offers for the command line `line` (the cursor at its end). */
async function complete(line: string, env: Record<string, string>, home: string) {
  const script = await runCli(["completions", "bash"], { home });
  assert.equal(script.code, 0, script.stderr);
  const result = await runProgram("bash", [
    "-c",
    `${script.stdout}
read -r -a COMP_WORDS <<< "$LINE"
case "$LINE" in *" ") COMP_WORDS+=("") ;; esac
COMP_CWORD=$((\${#COMP_WORDS[@]} - 1))
_anaconda_complete
printf '%s\\n' "\${COMPREPLY[@]}"`,
  ], { env: { ...env, LINE: line } });
  assert.equal(result.code, 0, result.stderr);
  return result.stdout.trim().split("\n").filter(Boolean);
}

Deno.test({
  ...unlessWine("the bash completion script completes commands, options and site names", NO_BASH),
}, async () => {
  await using home = await tempHome();
  const env = await setUp(home.path);
  assert.deepEqual(await complete("anaconda si", env, home.path), ["sites"]);
  assert.deepEqual(await complete("anaconda sites ", env, home.path), [
    "list",
    "show",
    "add",
    "modify",
    "remove",
  ]);
  assert.deepEqual(await complete("anaconda sites add --no-ssl", env, home.path), [
    "--no-ssl-verify",
  ]);
  assert.deepEqual(await complete("anaconda auth api-key --at ", env, home.path), ["work", "dev"]);
  assert.deepEqual(await complete("anaconda sites remove d", env, home.path), ["dev"]);
  assert.deepEqual(
    await complete("anaconda sites add --preferred-token-storage ", env, home.path),
    ["system", "anaconda-keyring"],
  );
  assert.deepEqual(await complete("anaconda completions ", env, home.path), [
    "bash",
    "zsh",
    "fish",
  ]);
  // bash splits `--at=w` at the `=` (COMP_WORDBREAKS): the words `--at`, `=`, `w`.
  assert.deepEqual(await complete("anaconda auth api-key --at =", env, home.path), [
    "work",
    "dev",
  ]);
  assert.deepEqual(await complete("anaconda auth api-key --at = d", env, home.path), ["dev"]);
  // login, logout and whoami also go to anaconda.org.
  assert.deepEqual(await complete("anaconda login --at ", env, home.path), [
    "work",
    "dev",
    "anaconda.org",
  ]);
});

/** What the zsh script offers for `words` (the cursor on the last), in a bare `zsh -f`. */
async function zshComplete(words: string[], env: Record<string, string>, home: string) {
  const script = await runCli(["completions", "zsh"], { home });
  assert.equal(script.code, 0, script.stderr);
  // compadd is the completion system's; a stand-in prints what it would offer.
  const quoted = words.map((word) => `'${word}'`).join(" ");
  const result = await runProgram("zsh", [
    "-f",
    "-c",
    `eval "$SCRIPT" || exit 3
print -r -- "compdef: $_comps[anaconda]"
compadd() { [[ $1 == -- ]] && shift; print -rl -- "$@"; }
words=(${quoted}); CURRENT=${words.length}
_anaconda`,
  ], { env: { ...env, SCRIPT: script.stdout } });
  return result;
}

Deno.test({
  name: "the zsh script works in a bare zsh (it starts compinit) and completes --at=<site>",
  ignore: !hasProgram("zsh") && Deno.env.get("CI") !== "true",
  async fn() {
    await using home = await tempHome();
    const env = await setUp(home.path);
    const result = await zshComplete(["anaconda", "auth", "api-key", "--at=d"], env, home.path);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, "");
    assert.equal(result.stdout, "compdef: _anaconda\n--at=dev\n");
    const shells = await zshComplete(["anaconda", "completions", ""], env, home.path);
    assert.equal(shells.stdout, "compdef: _anaconda\nbash\nzsh\nfish\n");
  },
});

Deno.test("completions for zsh and fish are printed; an unknown shell is a usage error", async () => {
  await using home = await tempHome();
  for (const shell of ["zsh", "fish"]) {
    const result = await runCli(["completions", shell], { home: home.path });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /anaconda __complete/);
  }
  const bad = await runCli(["completions", "tcsh"], { home: home.path });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^UsageError: Unknown shell "tcsh": use bash, zsh or fish\n/);
});
