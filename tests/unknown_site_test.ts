/**
 * An unknown site is handled one way everywhere: whatever names it (`--at` on any
 * command, `ANACONDA_AUTH_SITE`, `ANACONDA_DEFAULT_SITE`, `default_site` in config.toml),
 * the error says where the name came from and lists the configured sites, exit 1.
 * @module
 */
import assert from "node:assert/strict";
import { runCli, tempHome } from "./support.ts";
import { joinPath } from "./paths.ts";

const CONFIG = '[sites.work]\ndomain = "work.example"\n\n[sites.dev]\ndomain = "dev.example"\n';
const SITES = "work (work.example) [default], dev (dev.example)";

async function withConfig(home: string, text: string): Promise<string> {
  await Deno.mkdir(`${home}/.anaconda`, { recursive: true });
  // As the CLI names it: joined with the platform's separator.
  const path = joinPath(home, ".anaconda", "config.toml");
  await Deno.writeTextFile(path, text);
  return path;
}

Deno.test("an unknown --at is the same error on every command, and lists the sites", async () => {
  await using home = await tempHome();
  const path = await withConfig(home.path, CONFIG);
  const error = "UnknownSiteName: nosuch is not an allowed value for --at. " +
    `The site or domain nosuch has not been configured in ${path}\n`;
  const commands = [
    ["auth", "login"],
    ["auth", "status"],
    ["sites", "list"],
    ["sites", "add", "--domain", "x.example", "--yes"],
    ["token", "list"],
  ];
  for (const command of commands) {
    for (const args of [["--at", "nosuch", ...command], [...command, "--at", "nosuch"]]) {
      const result = await runCli(args, { home: home.path });
      assert.deepEqual(
        [result.code, result.stdout, result.stderr],
        [1, "", `${error}Use one of: ${SITES}\n`],
        args.join(" "),
      );
    }
  }
  // The top-level login, logout and whoami also take anaconda.org.
  for (const command of ["login", "logout", "whoami"]) {
    const result = await runCli([command, "--at", "nosuch"], { home: home.path });
    assert.deepEqual(
      [result.code, result.stderr],
      [1, `${error}Use one of: ${SITES}, anaconda.org\n`],
      command,
    );
  }
  assert.deepEqual(await Deno.readTextFile(path), CONFIG);
});

Deno.test("an unknown site from the environment or default_site names where it came from", async () => {
  await using home = await tempHome();
  const path = await withConfig(home.path, `default_site = "nope"\n${CONFIG}`);
  const fromFile = await runCli(["auth", "status"], { home: home.path });
  assert.deepEqual([fromFile.code, fromFile.stdout, fromFile.stderr], [
    1,
    "",
    `UnknownSiteName: The site or domain nope has not been configured in ${path} ` +
    `(from default_site in ${path})\nUse one of: work (work.example), dev (dev.example)\n`,
  ]);
  await withConfig(home.path, CONFIG);
  const cases: [string, string][] = [
    ["ANACONDA_AUTH_SITE", "The site name"],
    ["ANACONDA_DEFAULT_SITE", "The site or domain"],
  ];
  for (const [name, sentence] of cases) {
    const result = await runCli(["auth", "api-key"], {
      home: home.path,
      env: { [name]: "nosuch" },
    });
    assert.deepEqual([result.code, result.stdout], [1, ""], name);
    assert.deepEqual(
      result.stderr.split("\n")[0],
      `UnknownSiteName: ${sentence} nosuch has not been configured in ${path} ` +
        `(from environment variable ${name})`,
    );
    assert.deepEqual(
      result.stderr.split("\n")[1]?.startsWith("Use one of: work (work.example)"),
      true,
    );
  }
});
