import { assertEquals, assertMatch } from "./assert.ts";
import { runCli, tempHome } from "./support.ts";
import { VERSION } from "../src/version.ts";
import { escapeRegExp, joinPath } from "./paths.ts";

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
  assertEquals(
    result.stderr,
    "UsageError: unknown option '--bogus'\nTry 'anaconda --help' for help.\n",
  );
  const sub = await runCli(["sites", "add", "--domian", "x"], { home: home.path });
  assertEquals(sub.code, 2);
  assertEquals(
    sub.stderr,
    "UsageError: unknown option '--domian'\n(Did you mean --domain?)\n" +
      "Try 'anaconda sites add --help' for help.\n",
  );
});

Deno.test("a command group without its subcommand prints its help on stderr and exits 2", async () => {
  await using home = await tempHome();
  const result = await runCli(["sites"], { home: home.path });
  assertEquals(result.code, 2);
  assertEquals(result.stdout, "");
  assertMatch(result.stderr, /^Usage: anaconda sites \[options\] <command>\n/);
  assertMatch(result.stderr, /\n {2}add +Add a site to config.toml\n/);
});

Deno.test("an unknown command suggests the closest one and exits 2", async () => {
  await using home = await tempHome();
  const result = await runCli(["sitez", "list"], { home: home.path });
  assertEquals(result.code, 2);
  assertMatch(result.stderr, /unknown command 'sitez'\n\(Did you mean sites\?\)/);
});

Deno.test("global options work before and after the subcommand", async () => {
  await using home = await tempHome();
  const configPath = joinPath(home.path, ".anaconda", "config.toml");
  for (const args of [["--at", "nowhere", "sites", "show"], ["sites", "show", "--at", "nowhere"]]) {
    const result = await runCli(args, { home: home.path });
    assertEquals(result.code, 1);
    assertEquals(
      result.stderr,
      `UnknownSiteName: The site or domain nowhere has not been configured in ${configPath}\n`,
    );
  }
});

Deno.test("a TOML syntax error is one bare path:line:col line, even with --verbose", async () => {
  await using home = await tempHome();
  await Deno.mkdir(`${home.path}/.anaconda`);
  const configPath = joinPath(home.path, ".anaconda", "config.toml");
  await Deno.writeTextFile(configPath, "[plugin.auth\n");
  for (const args of [["sites", "list"], ["sites", "list", "-v"]]) {
    const result = await runCli(args, { home: home.path });
    assertEquals(result.code, 1);
    assertEquals(result.stdout, "");
    assertMatch(result.stderr, new RegExp(`^${escapeRegExp(configPath)}:1:\\d+: [^\n]+\n$`));
  }
});

Deno.test("control characters in argv are shown escaped in usage errors, on one line", async () => {
  await using home = await tempHome();
  const result = await runCli(["\x1b[2J\nx"], { home: home.path });
  assertEquals(result.code, 2);
  assertEquals(
    result.stderr,
    "UsageError: unknown command '\\x1b[2J\\x0ax'\nTry 'anaconda --help' for help.\n",
  );
});
