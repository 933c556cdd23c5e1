import { assertEquals, assertMatch } from "./assert.ts";
import { runCli, tempHome } from "./support.ts";
import { VERSION } from "../src/version.ts";

Deno.test("--version and -V print the version and exit 0", async () => {
  await using home = await tempHome();
  for (const flag of ["--version", "-V"]) {
    const result = await runCli([flag], { home: home.path });
    assertEquals(result, { code: 0, stdout: `anaconda-auth ${VERSION}\n`, stderr: "" });
  }
});

Deno.test("--help lists the global options and touches no file", async () => {
  await using home = await tempHome();
  const result = await runCli(["--help"], { home: home.path });
  assertEquals(result.code, 0);
  assertMatch(result.stdout, /--at <site>/);
  assertMatch(result.stdout, /-v, --verbose/);
  assertEquals([...Deno.readDirSync(home.path)], []);
});

Deno.test("an unknown option is a usage error with exit code 2", async () => {
  await using home = await tempHome();
  const result = await runCli(["--bogus"], { home: home.path });
  assertEquals(result.code, 2);
  assertEquals(result.stdout, "");
  assertMatch(result.stderr, /unknown option '--bogus'/);
});

Deno.test("an unknown command suggests the closest one and exits 2", async () => {
  await using home = await tempHome();
  const result = await runCli(["sitez", "list"], { home: home.path });
  assertEquals(result.code, 2);
  assertMatch(result.stderr, /unknown command 'sitez'\n\(Did you mean sites\?\)/);
});

Deno.test("global options work before and after the subcommand", async () => {
  await using home = await tempHome();
  const configPath = `${home.path}/.anaconda/config.toml`;
  for (const args of [["--at", "nowhere", "sites", "show"], ["sites", "show", "--at", "nowhere"]]) {
    const result = await runCli(args, { home: home.path });
    assertEquals(result.code, 1);
    assertEquals(
      result.stderr,
      `UnknownSiteName: The site or domain nowhere has not been configured in ${configPath}\n`,
    );
  }
});

Deno.test("--verbose adds the stack trace to an error; without it the error is one line", async () => {
  await using home = await tempHome();
  await Deno.mkdir(`${home.path}/.anaconda`);
  await Deno.writeTextFile(`${home.path}/.anaconda/config.toml`, "[plugin.auth\n");
  const quiet = await runCli(["sites", "list"], { home: home.path });
  assertEquals(quiet.code, 1);
  assertEquals(quiet.stderr.trimEnd().split("\n").length, 1);
  assertMatch(quiet.stderr, /^TomlSyntaxError: .*config\.toml:1:\d+: /);
  const verbose = await runCli(["sites", "list", "-v"], { home: home.path });
  assertEquals(verbose.code, 1);
  assertMatch(verbose.stderr, /^TomlSyntaxError: [^\n]*\n[^\n]*\n\s+at /);
});
