import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { cleanEnv, hasScript, RUN_PERMISSIONS, runCli, runProgram, tempHome } from "./support.ts";

const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));
import { VERSION } from "../src/version.ts";
import { escapeRegExp, joinPath } from "./paths.ts";

Deno.test("--version and -V print the version and exit 0", async () => {
  await using home = await tempHome();
  for (const flag of ["--version", "-V"]) {
    const result = await runCli([flag], { home: home.path });
    assert.deepEqual(result, { code: 0, stdout: `anaconda-auth ${VERSION}\n`, stderr: "" });
  }
});

Deno.test("--help lists the global options and touches no file", async () => {
  await using home = await tempHome();
  const result = await runCli(["--help"], { home: home.path });
  assert.deepEqual(result.code, 0);
  assert.match(result.stdout, /--at <site>/);
  assert.match(result.stdout, /-v, --verbose/);
  assert.deepEqual([...Deno.readDirSync(home.path)], []);
});

Deno.test("an unknown option is a usage error with exit code 2", async () => {
  await using home = await tempHome();
  const result = await runCli(["--bogus"], { home: home.path });
  assert.deepEqual(result.code, 2);
  assert.deepEqual(result.stdout, "");
  assert.deepEqual(
    result.stderr,
    "UsageError: unknown option '--bogus'\nTry 'anaconda --help' for help.\n",
  );
  const sub = await runCli(["sites", "add", "--domian", "x"], { home: home.path });
  assert.deepEqual(sub.code, 2);
  assert.deepEqual(
    sub.stderr,
    "UsageError: unknown option '--domian' (Did you mean --domain?)\n" +
      "Try 'anaconda sites add --help' for help.\n",
  );
});

Deno.test("a command group without its subcommand prints its help on stdout and exits 2", async () => {
  await using home = await tempHome();
  for (const args of [[], ["sites"]]) {
    const result = await runCli(args, { home: home.path });
    const name = ["anaconda", ...args].join(" ");
    // As the Python tool (typer's no_args_is_help): the help on stdout, exit code 2.
    assert.deepEqual(result.code, 2);
    assert.deepEqual(result.stderr, "");
    assert.match(result.stdout, new RegExp(`^Usage: ${name} \\[options\\] <command>\n`));
  }
  const sites = await runCli(["sites"], { home: home.path });
  assert.match(sites.stdout, /\n {2}add +Add a site to config.toml\n/);
});

Deno.test("an unknown command suggests the closest one and exits 2", async () => {
  await using home = await tempHome();
  const result = await runCli(["sitez", "list"], { home: home.path });
  assert.deepEqual(result.code, 2);
  assert.match(result.stderr, /unknown command 'sitez' \(Did you mean sites\?\)\n/);
});

Deno.test("global options work before and after the subcommand", async () => {
  await using home = await tempHome();
  const configPath = joinPath(home.path, ".anaconda", "config.toml");
  for (const args of [["--at", "nowhere", "sites", "show"], ["sites", "show", "--at", "nowhere"]]) {
    const result = await runCli(args, { home: home.path });
    assert.deepEqual(result.code, 1);
    assert.deepEqual(
      result.stderr,
      "UnknownSiteName: nowhere is not an allowed value for --at. " +
        `The site or domain nowhere has not been configured in ${configPath}\n` +
        "Use one of: anaconda.com [default]\n",
    );
  }
});

Deno.test("a TOML syntax error is one line TomlSyntaxError: path:line:col: ..., even with --verbose", async () => {
  await using home = await tempHome();
  await Deno.mkdir(`${home.path}/.anaconda`);
  const configPath = joinPath(home.path, ".anaconda", "config.toml");
  await Deno.writeTextFile(configPath, "[plugin.auth\n");
  for (const args of [["sites", "list"], ["sites", "list", "-v"]]) {
    const result = await runCli(args, { home: home.path });
    assert.deepEqual(result.code, 1);
    assert.deepEqual(result.stdout, "");
    assert.match(
      result.stderr,
      new RegExp(`^TomlSyntaxError: ${escapeRegExp(configPath)}:1:\\d+: [^\n]+\n$`),
    );
  }
});

Deno.test("control characters in argv are shown escaped in usage errors, on one line", async () => {
  await using home = await tempHome();
  const result = await runCli(["\x1b[2J\nx"], { home: home.path });
  assert.deepEqual(result.code, 2);
  assert.deepEqual(
    result.stderr,
    "UsageError: unknown command '\\x1b[2J\\x0ax'\nTry 'anaconda --help' for help.\n",
  );
});

Deno.test({
  name: "help fills the terminal's width, and 80 columns in a pipe",
  // The terminal is a pseudo-terminal made by util-linux `script`.
  ignore: !hasScript(),
}, async () => {
  await using home = await tempHome();
  const longest = (text: string) => Math.max(...text.split("\n").map((line) => line.length));
  const piped = await runCli(["sites", "add", "--help"], { home: home.path });
  assert.deepEqual(piped.code, 0);
  assert.deepEqual(longest(piped.stdout) <= 80, true);
  const command = [
    Deno.execPath(),
    "run",
    "--quiet",
    ...RUN_PERMISSIONS,
    MAIN,
    "sites",
    "add",
    "-h",
  ]
    .map((word) => `'${word}'`).join(" ");
  const terminal = await runProgram("script", ["-qefc", `stty cols 150; ${command}`, "/dev/null"], {
    env: cleanEnv(home.path),
  });
  assert.deepEqual(terminal.code, 0, terminal.stdout);
  const width = longest(terminal.stdout.replaceAll("\r", ""));
  assert.deepEqual(width > 80 && width <= 150, true, `${width}\n${terminal.stdout}`);
});
