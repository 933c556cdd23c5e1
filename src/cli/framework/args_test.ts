import assert from "node:assert/strict";
import fc from "fast-check";
import {
  argument,
  ArgvError,
  type Command,
  flag,
  GLOBAL_OPTIONS,
  group,
  JSON_OPTIONS,
  leaf,
  list,
  optionLabel,
  parseArgv,
  type Parsed,
  toggle,
  value,
} from "./args.ts";
import { renderHelp } from "./help.ts";
import { fuzzRuns } from "../../../tests/fuzz.ts";

const install = leaf({
  name: "install",
  description: "Install a token",
  args: { token: argument("[token]", "the token") },
  options: {
    org: value("-o, --org <org>", "the organization"),
    yes: flag("-y, --yes", "do not ask"),
    channels: toggle("--set-default-channels", "configure default_channels"),
    storage: value("--storage <name>", undefined, { choices: ["system", "file"] }),
    archive: list("--include-archive-channels <channel...>", "archive channels", {
      choices: ["free", "pro", "mro-archive"],
    }),
  },
  examples: ["tool token install -y"],
  run: () => Promise.resolve(),
});

const remove = leaf({
  name: "remove",
  description: "Remove things",
  args: { names: argument("<names...>", "what to remove") },
  run: () => Promise.resolve(),
});

const TREE = group({
  name: "tool",
  description: "A test tree",
  commands: [{
    name: "token",
    load: () =>
      Promise.resolve(group({
        name: "token",
        description: "Tokens",
        commands: [
          { name: "install", load: () => Promise.resolve(install as unknown as Command) },
          { name: "remove", aliases: ["rm"], load: () => Promise.resolve(remove as Command) },
          { name: "secret", hidden: true, load: () => Promise.resolve(remove as Command) },
        ],
      })),
  }],
});

async function input(argv: string[]): Promise<Record<string, unknown>> {
  const parsed = await parseArgv(argv, TREE);
  assert.equal(parsed.kind, "run", JSON.stringify(argv));
  return parsed.kind === "run" ? parsed.input : {};
}

async function usageError(argv: string[]): Promise<string> {
  try {
    await parseArgv(argv, TREE);
  } catch (err) {
    assert.ok(err instanceof ArgvError, String(err));
    return `${err.message} [${err.commandPath?.join(" ")}]`;
  }
  throw new Error(`no usage error for ${argv.join(" ")}`);
}

Deno.test("options: long, short, clustered, --x=value, -oVALUE, toggles and lists", async () => {
  assert.deepEqual(await input(["token", "install"]), { token: undefined });
  assert.deepEqual(
    await input(["token", "install", "tok", "-yo", "acme", "--no-set-default-channels"]),
    { token: "tok", yes: true, org: "acme", channels: false },
  );
  assert.deepEqual(await input(["token", "install", "--org=a=b", "-oz"]), {
    token: undefined,
    org: "z",
  });
  assert.deepEqual(
    await input(["token", "install", "--include-archive-channels", "free", "pro", "-y", "t"]),
    { archive: ["free", "pro"], yes: true, token: "t" },
  );
  // A list with choices stops at a word that is not one: the argument after it.
  assert.deepEqual(
    await input(["token", "install", "--include-archive-channels", "free", "SECRET"]),
    { archive: ["free"], token: "SECRET" },
  );
  // An option's value may start with a dash; `--` ends the options.
  assert.deepEqual(await input(["token", "install", "-o", "-x", "--", "--not-an-option"]), {
    org: "-x",
    token: "--not-an-option",
  });
  // Hidden options are accepted; aliases reach their command.
  assert.deepEqual(await input(["token", "install", "--storage", "file"]), {
    storage: "file",
    token: undefined,
  });
  assert.deepEqual(await input(["token", "rm", "a", "b"]), { names: ["a", "b"] });
});

Deno.test("global options are accepted before and after the subcommand", async () => {
  for (
    const argv of [
      ["--at", "work", "-v", "token", "remove", "x"],
      ["token", "remove", "x", "--at=work", "--verbose"],
      ["token", "-v", "remove", "--at", "work", "x"],
    ]
  ) {
    const parsed = await parseArgv(argv, TREE);
    assert.equal(parsed.kind, "run");
    assert.deepEqual(parsed.globals, { at: "work", verbose: true });
  }
});

Deno.test("help and version win wherever they are, and a bare group asks for help", async () => {
  const kindOf = async (argv: string[]) => {
    const parsed: Parsed = await parseArgv(argv, TREE);
    return parsed.kind === "help"
      ? `help ${parsed.command.name} ${parsed.asked ? "asked" : "missing command"}`
      : parsed.kind;
  };
  assert.equal(await kindOf(["token", "install", "-h", "--bogus"]), "help install asked");
  assert.equal(await kindOf(["--help", "token"]), "help tool asked");
  assert.equal(await kindOf(["token"]), "help token missing command");
  assert.equal(await kindOf([]), "help tool missing command");
  assert.equal(await kindOf(["token", "-V", "install"]), "version");
});

Deno.test("usage errors name the problem, suggest close names and know their command", async () => {
  assert.equal(
    await usageError(["tokn"]),
    "unknown command 'tokn' (Did you mean token?) [tool]",
  );
  assert.equal(await usageError(["token", "secrte"]), "unknown command 'secrte' [tool token]");
  assert.equal(
    await usageError(["token", "install", "--ogr", "x"]),
    "unknown option '--ogr' (Did you mean --org?) [tool token install]",
  );
  assert.equal(
    await usageError(["token", "install", "--no-yes"]),
    "unknown option '--no-yes' [tool token install]",
  );
  assert.equal(
    await usageError(["token", "install", "-o"]),
    "option '-o, --org <org>' argument missing [tool token install]",
  );
  assert.equal(
    await usageError(["token", "install", "--yes=1"]),
    "option '-y, --yes' does not take a value [tool token install]",
  );
  assert.equal(
    await usageError(["token", "install", "--storage", "disk"]),
    "option '--storage <name>' argument 'disk' is invalid. Allowed choices are system, file. " +
      "[tool token install]",
  );
  assert.equal(
    await usageError(["token", "install", "a", "b"]),
    "too many arguments for 'install': 'b' [tool token install]",
  );
  assert.equal(
    await usageError(["token", "remove"]),
    "missing required argument 'names' [tool token remove]",
  );
  assert.equal(
    await usageError(["token", "install", "-z"]),
    "unknown option '-z' [tool token install]",
  );
});

Deno.test("help pages: usage, arguments, visible options, global options and examples", async () => {
  const text = await renderHelp(install as unknown as Command, ["tool", "token", "install"]);
  assert.match(text, /^Usage: tool token install \[options\] \[token\]\n\nInstall a token\n/);
  assert.match(text, /\nArguments:\n {2}token +the token\n/);
  assert.match(text, /\n {2}-o, --org <org> +the organization\n/);
  assert.match(text, /\n {2}--\[no-\]set-default-channels +configure default_channels\n/);
  assert.doesNotMatch(text, /--storage/);
  assert.match(text, /\nGlobal options: --at <site>, --verbose, --version \(see 'tool --help'\)\n/);
  assert.match(text, /\nExamples:\n {2}tool token install -y\n$/);
});

/** The option-flags syntax that `flag`, `value` and `list` accept, as one pattern. */
const OPTION_FLAGS = /^(?:-([A-Za-z]), )?--([a-z0-9][a-z0-9-]*)(?: (<[^>]+>|\[[^\]]+\]))?$/;

Deno.test("property: option flags are split as their pattern says, and the rest refused", () => {
  const near = fc.string({ unit: fc.constantFrom(..."-, aZ0z9<>[]x_é"), maxLength: 16 });
  const wellFormed = fc.tuple(
    fc.constantFrom("", "-y, ", "-Q, "),
    fc.constantFrom("--yes", "--dry-run", "--a1-", "--9"),
    fc.constantFrom("", " <site>", " [org]", " <a b>", " <>", " <a>>", " [x"),
  ).map((parts) => parts.join(""));
  fc.assert(
    fc.property(fc.oneof(near, wellFormed), (flags) => {
      const match = OPTION_FLAGS.exec(flags);
      if (match === null) {
        assert.throws(() => value(flags), /bad option flags/, flags);
        return;
      }
      const [, short, long, placeholder] = match;
      const spec = value(flags);
      assert.deepEqual(
        [spec.short, spec.long, spec.placeholder],
        [short, long, placeholder],
        flags,
      );
    }),
    { seed: 2020, numRuns: fuzzRuns(2000) },
  );
});

Deno.test("the written-out global and --json options are what flag and value make of their flags", () => {
  for (const spec of [...Object.values(GLOBAL_OPTIONS), ...Object.values(JSON_OPTIONS)]) {
    const { kind, help, completeSites, once } = spec;
    const extras = {
      ...(completeSites === undefined ? {} : { completeSites }),
      ...(once === undefined ? {} : { once }),
    };
    const made = kind === "flag"
      ? flag(optionLabel(spec), help)
      : value(optionLabel(spec), help, extras);
    assert.deepEqual(spec, made, optionLabel(spec));
  }
});
