/**
 * The command tree's building blocks and the argv parser. No dependencies and no Node
 * modules, so that parsing costs next to nothing at start-up: commands are loaded only
 * when argv names them, help text only when it is shown.
 *
 * A command is a group (`anaconda sites`) with lazily loaded subcommands, or a leaf
 * (`anaconda sites add`) with options, arguments and a `run` function. Global options
 * (`--at`, `-v`, `-V`, `-h`) are accepted before or after the subcommand.
 * @module
 */
import type { App } from "./app.ts";
import { UsageError } from "./errors.ts";
import { escapeControl } from "../../text.ts";

/** What an option takes: nothing (a flag), one value, or one or more values. */
export type OptionKind = "flag" | "value" | "list";

export interface OptionSpec<K extends OptionKind = OptionKind> {
  kind: K;
  /** The long name without dashes (`dry-run`). */
  long: string;
  /** A one-letter alias (`y` for `-y`). */
  short?: string;
  /** The value's placeholder in help (`<site>`). */
  placeholder?: string;
  /** Help text; an option without it is accepted but not listed (hidden). */
  help?: string;
  /** A flag that also accepts `--no-<long>` (which sets false). */
  negatable?: boolean;
  /** The only accepted values. */
  choices?: readonly string[];
  /** Shell completion offers the configured site names for the value. */
  completeSites?: boolean;
  /** Given twice, a usage error (else the last one wins). */
  once?: boolean;
}

/** The parsed value of an option spec (any of them when its kind is not known). */
export type OptionValue<S> = S extends OptionSpec<infer K> ? ValueOfKind<K> : never;

type ValueOfKind<K> = [K] extends ["flag"] ? boolean
  : [K] extends ["list"] ? string[]
  : [K] extends ["value"] ? string
  : boolean | string | string[];

export type OptionTable = Record<string, OptionSpec>;

/** Parsed options: a key is present only when its option was given. */
export type OptionValues<T extends OptionTable> = { [K in keyof T]?: OptionValue<T[K]> };

export interface ArgumentSpec<R extends boolean = boolean, V extends boolean = boolean> {
  name: string;
  required: R;
  /** Takes every remaining positional argument. */
  variadic: V;
  help: string;
  /** Shell completion offers the configured site names. */
  completeSites?: boolean;
  /** Shell completion offers these words (the command checks the value itself). */
  choices?: readonly string[];
}

export type ArgumentTable = Record<string, ArgumentSpec>;

type ArgumentValue<S> = S extends ArgumentSpec<boolean, true> ? string[]
  : S extends ArgumentSpec<true, false> ? string
  : string | undefined;

export type ArgumentValues<T extends ArgumentTable> = { [K in keyof T]: ArgumentValue<T[K]> };

/** What a leaf's `run` receives: its options and its arguments, by key. */
export type Input<O extends OptionTable, A extends ArgumentTable> =
  & OptionValues<O>
  & ArgumentValues<A>;

export interface LeafCommand<
  O extends OptionTable = OptionTable,
  A extends ArgumentTable = ArgumentTable,
> {
  kind: "leaf";
  name: string;
  /** First line: the summary in the parent's command list; the rest: more help. */
  description: string;
  options: O;
  args: A;
  /** Command lines shown under "Examples" in help. */
  examples: string[];
  /** What `--at` takes besides the sites (`anaconda.org` for the top-level `login`). */
  otherDestinations?: readonly string[];
  run(input: Input<O, A>, app: App): Promise<void>;
}

/** A subcommand of a group, loaded only when argv (or help) needs it. */
export interface CommandEntry {
  name: string;
  aliases?: string[];
  hidden?: boolean;
  /**
   * The first line of its description, for its group's help page, which then need not
   * load it (`anaconda --help` is a hot command; src/cli/root_test.ts checks they agree).
   */
  summary?: string;
  load(): Promise<Command>;
}

export interface GroupCommand {
  kind: "group";
  name: string;
  description: string;
  commands: CommandEntry[];
  examples: string[];
}

/** A leaf of any options, as the parser sees it. */
export interface AnyLeaf extends Omit<LeafCommand, "run"> {
  run(input: ParsedValues, app: App): Promise<void>;
}
export type Command = GroupCommand | AnyLeaf;

/** `[a-z0-9]`, and with `dash` also `-`. */
function isNameChar(char: string, dash: boolean): boolean {
  return (char >= "a" && char <= "z") || (char >= "0" && char <= "9") || (dash && char === "-");
}

/** `<name>` or `[name]`: brackets around one or more other characters. */
function isPlaceholder(text: string): boolean {
  const close = text.startsWith("<") ? ">" : text.startsWith("[") ? "]" : undefined;
  return close !== undefined && text.length > 2 && text.indexOf(close) === text.length - 1;
}

/**
 * Splits `"-y, --yes <x>"` into its short name, long name and placeholder: `-<letter>, `
 * (optional), `--<name>` of `[a-z0-9-]` not starting with `-`, ` <placeholder>` or
 * ` [placeholder]` (optional). With string operations: every command defines options at
 * start-up, and a regular expression costs about 0.2 ms to compile on its first use.
 */
function parseFlags(flags: string): { long: string; short?: string; placeholder?: string } {
  let rest = flags;
  let short: string | undefined;
  const letter = rest[1] ?? "";
  const isLetter = (letter >= "a" && letter <= "z") || (letter >= "A" && letter <= "Z");
  if (rest[0] === "-" && isLetter && rest.startsWith(", ", 2)) {
    short = letter;
    rest = rest.slice(4);
  }
  const space = rest.indexOf(" ");
  const long = rest.slice(2, space === -1 ? undefined : space);
  const placeholder = space === -1 ? undefined : rest.slice(space + 1);
  const valid = rest.startsWith("--") && long !== "" && isNameChar(long[0]!, false) &&
    [...long].every((char) => isNameChar(char, true)) &&
    (placeholder === undefined || isPlaceholder(placeholder));
  if (!valid) throw new Error(`bad option flags: ${flags}`);
  return {
    long,
    ...(short ? { short } : {}),
    ...(placeholder ? { placeholder } : {}),
  };
}

type Extras = Pick<OptionSpec, "choices" | "completeSites" | "once">;

/** A flag: `flag("-y, --yes", "write without asking")`. Without help it is hidden. */
export function flag(flags: string, help?: string): OptionSpec<"flag"> {
  return { kind: "flag", ...parseFlags(flags), ...(help === undefined ? {} : { help }) };
}

/** A flag with a `--no-` form: `toggle("--ssl-verify", "verify TLS certificates")`. */
export function toggle(flags: string, help?: string): OptionSpec<"flag"> {
  return { ...flag(flags, help), negatable: true };
}

/** An option with a value: `value("-o, --org <org>", "the organization")`. */
export function value(flags: string, help?: string, extras: Extras = {}): OptionSpec<"value"> {
  return {
    kind: "value",
    ...parseFlags(flags),
    ...(help === undefined ? {} : { help }),
    ...extras,
  };
}

/** An option with one or more values (`--include-archive-channels free pro`). */
export function list(flags: string, help?: string, extras: Extras = {}): OptionSpec<"list"> {
  return { kind: "list", ...parseFlags(flags), ...(help === undefined ? {} : { help }), ...extras };
}

/** A positional argument: `argument("<site>", ...)` is required, `"[site]"` optional. */
export function argument<N extends string>(
  name: N,
  help: string,
  extras: { completeSites?: boolean; choices?: readonly string[] } = {},
): ArgumentSpec<
  N extends `<${string}` ? true : false,
  N extends `${string}...${string}` ? true : false
> {
  return {
    name: name.replace(/[<>[\]]|\.\.\./g, ""),
    required: name.startsWith("<") as N extends `<${string}` ? true : false,
    variadic: name.includes("...") as N extends `${string}...${string}` ? true : false,
    help,
    ...extras,
  };
}

/** Declares a leaf command; `options`, `args` and `examples` default to none. */
export function leaf<
  O extends OptionTable = Record<never, never>,
  A extends ArgumentTable = Record<never, never>,
>(
  spec: {
    name: string;
    description: string;
    options?: O;
    args?: A;
    examples?: string[];
    otherDestinations?: readonly string[];
    run(input: Input<O, A>, app: App): Promise<void>;
  },
): LeafCommand<O, A> {
  return {
    kind: "leaf",
    options: {} as O,
    args: {} as A,
    examples: [],
    ...spec,
  };
}

/** Declares a group of lazily loaded subcommands. */
export function group(
  spec: { name: string; description: string; commands: CommandEntry[]; examples?: string[] },
): GroupCommand {
  return { kind: "group", examples: [], ...spec };
}

/**
 * The options every command accepts, before or after the subcommand. Written out rather
 * than made by `flag` and `value`: every command defines them at start-up, and a helper
 * called ten times there is one V8 compiles again on a worker thread (Sparkplug), whose
 * first contention with the main thread costs Deno about 3 ms, one run in two. (args_test
 * checks each against its flags.)
 */
export const GLOBAL_OPTIONS: {
  at: OptionSpec<"value">;
  verbose: OptionSpec<"flag">;
  version: OptionSpec<"flag">;
  help: OptionSpec<"flag">;
  token: OptionSpec<"value">;
  site: OptionSpec<"value">;
  showTraceback: OptionSpec<"flag">;
  quiet: OptionSpec<"flag">;
  disableSslWarnings: OptionSpec<"flag">;
} = {
  at: {
    kind: "value",
    long: "at",
    placeholder: "<site>",
    help: "the site name or domain to act on",
    completeSites: true,
    once: true,
  },
  verbose: {
    kind: "flag",
    short: "v",
    long: "verbose",
    help: "print debug output and stack traces",
  },
  version: { kind: "flag", short: "V", long: "version", help: "show the version and exit" },
  help: { kind: "flag", short: "h", long: "help", help: "show help and exit" },
  // Hidden, as in the Python tool's root (anaconda-client's): -t/-s mean anaconda.org.
  token: { kind: "value", short: "t", long: "token", placeholder: "<token>" },
  site: { kind: "value", short: "s", long: "site", placeholder: "<site>" },
  showTraceback: { kind: "flag", long: "show-traceback" },
  quiet: { kind: "flag", short: "q", long: "quiet" },
  disableSslWarnings: { kind: "flag", long: "disable-ssl-warnings" },
};

export type GlobalValues = OptionValues<typeof GLOBAL_OPTIONS>;

/** `--json`: one definition for every command that prints data (written out, as above). */
export const JSON_OPTIONS: { json: OptionSpec<"flag"> } = {
  json: { kind: "flag", long: "json", help: "print JSON" },
};

/** Option and argument values by key, as parsed. */
export type ParsedValues = Record<string, string | boolean | string[] | undefined>;

/** The outcome of parsing argv. */
export type Parsed =
  /** Help for `command`: asked for (`-h`), or a group given without its subcommand. */
  | { kind: "help"; command: Command; path: string[]; globals: GlobalValues; asked: boolean }
  | { kind: "version"; globals: GlobalValues }
  | {
    kind: "run";
    command: AnyLeaf;
    path: string[];
    input: ParsedValues;
    globals: GlobalValues;
  };

/** A usage error of the command line, with the command it happened in (for its help hint). */
export class ArgvError extends UsageError {
  constructor(message: string, path: string[]) {
    super(message);
    this.commandPath = path;
  }
}

/** The subcommand named `name` (or an alias of it). */
export function findEntry(group: GroupCommand, name: string): CommandEntry | undefined {
  return group.commands.find((entry) => entry.name === name || entry.aliases?.includes(name));
}

interface Found {
  key: string;
  spec: OptionSpec;
  negated: boolean;
  global: boolean;
}

function findLong(name: string, tables: [OptionTable, boolean][]): Found | undefined {
  for (const [table, global] of tables) {
    for (const [key, spec] of Object.entries(table)) {
      if (spec.long === name) return { key, spec, negated: false, global };
      if (spec.negatable && `no-${spec.long}` === name) return { key, spec, negated: true, global };
    }
  }
  return undefined;
}

function findShort(letter: string, tables: [OptionTable, boolean][]): Found | undefined {
  for (const [table, global] of tables) {
    for (const [key, spec] of Object.entries(table)) {
      if (spec.short === letter) return { key, spec, negated: false, global };
    }
  }
  return undefined;
}

/** How an option is named in messages: `'--org <org>'`. */
export function optionLabel(spec: OptionSpec): string {
  const names = spec.short ? `-${spec.short}, --${spec.long}` : `--${spec.long}`;
  return spec.placeholder ? `${names} ${spec.placeholder}` : names;
}

/**
 * Parses `argv` (without the program name) against the tree under `root`. Throws an
 * `ArgvError` for unknown commands and options, missing or invalid values, and
 * missing or extra arguments.
 */
export async function parseArgv(argv: string[], root: GroupCommand): Promise<Parsed> {
  let command: Command = root;
  const path = [root.name];
  const globals: ParsedValues = {};
  const values: ParsedValues = {};
  const positionals: string[] = [];
  let onlyPositionals = false;
  const fail = (message: string): never => {
    throw new ArgvError(message, [...path]);
  };

  const assign = (
    found: Found,
    raw: string | undefined,
    next: (more?: (token: string) => boolean) => string | undefined,
  ) => {
    const target = found.global ? globals : values;
    const { spec } = found;
    if (spec.kind === "flag") {
      if (raw !== undefined) fail(`option '${optionLabel(spec)}' does not take a value`);
      target[found.key] = !found.negated;
      return;
    }
    const given = raw ?? next();
    if (given === undefined) fail(`option '${optionLabel(spec)}' argument missing`);
    const checked = (text: string) => {
      if (spec.choices && !spec.choices.includes(text)) {
        fail(
          `option '${optionLabel(spec)}' argument '${
            escapeControl(text)
          }' is invalid. Allowed choices are ${spec.choices.join(", ")}.`,
        );
      }
      return text;
    };
    if (spec.kind === "value") {
      if (spec.once && target[found.key] !== undefined) fail(`--${spec.long} was specified twice`);
      target[found.key] = checked(given!);
      return;
    }
    // A list takes the values up to the next option, or the first one not in its choices
    // (an argument after it, which an error must not echo: it may be a token).
    const items = (target[found.key] as string[] | undefined) ?? [];
    items.push(checked(given!));
    const isMore = (token: string) =>
      !token.startsWith("-") && (spec.choices === undefined || spec.choices.includes(token));
    for (let more = next(isMore); more !== undefined; more = next(isMore)) items.push(more);
    target[found.key] = items;
  };

  for (let index = 0; index < argv.length; index++) {
    const token = argv[index]!;
    // Hands out the next token as an option's value (`more`: only a token it accepts).
    const next = (more?: (token: string) => boolean): string | undefined => {
      const following = argv[index + 1];
      if (following === undefined || (more && !more(following))) return undefined;
      index++;
      return following;
    };
    const tables: [OptionTable, boolean][] = [
      [command.kind === "leaf" ? command.options : {}, false],
      [GLOBAL_OPTIONS, true],
    ];
    if (!onlyPositionals && token === "--") {
      onlyPositionals = true;
    } else if (!onlyPositionals && token.startsWith("--")) {
      const equals = token.indexOf("=");
      const name = token.slice(2, equals === -1 ? undefined : equals);
      const found = findLong(name, tables);
      if (!found) {
        const known = tables.flatMap(([table]) => Object.values(table)).flatMap((spec) =>
          spec.negatable ? [`--${spec.long}`, `--no-${spec.long}`] : [`--${spec.long}`]
        );
        const { suggest } = await import("./suggest.ts");
        fail(
          `unknown option '${escapeControl(token.split("=")[0]!)}'${suggest(`--${name}`, known)}`,
        );
      }
      assign(found!, equals === -1 ? undefined : token.slice(equals + 1), next);
    } else if (!onlyPositionals && token.startsWith("-") && token.length > 1) {
      // One or more short flags (`-vy`); the last may take a value (`-oORG`, `-o ORG`).
      for (let at = 1; at < token.length; at++) {
        const found = findShort(token[at]!, tables);
        if (!found) fail(`unknown option '-${escapeControl(token[at]!)}'`);
        const rest = token.slice(at + 1);
        if (found!.spec.kind !== "flag" && rest !== "") {
          assign(found!, rest, next);
          break;
        }
        assign(found!, undefined, next);
      }
    } else if (command.kind === "group") {
      const entry = findEntry(command, token);
      if (!entry) {
        const { suggest } = await import("./suggest.ts");
        const names = command.commands.filter((item) => !item.hidden).map((item) => item.name);
        fail(`unknown command '${escapeControl(token)}'${suggest(token, names)}`);
      }
      command = await entry!.load();
      path.push(command.name);
    } else {
      positionals.push(token);
    }
    if (globals.help) return { kind: "help", command, path, globals, asked: true };
    if (globals.version) return { kind: "version", globals };
  }

  if (command.kind === "group") return { kind: "help", command, path, globals, asked: false };
  for (const [key, spec] of Object.entries(command.args as ArgumentTable)) {
    if (spec.variadic) {
      if (spec.required && positionals.length === 0) {
        fail(`missing required argument '${spec.name}'`);
      }
      values[key] = positionals.splice(0);
    } else {
      const taken = positionals.shift();
      if (taken === undefined && spec.required) fail(`missing required argument '${spec.name}'`);
      values[key] = taken;
    }
  }
  if (positionals.length > 0) {
    const extra = positionals.map((word) => `'${escapeControl(word)}'`).join(" ");
    fail(`too many arguments for '${command.name}': ${extra}`);
  }
  return { kind: "run", command, path, input: values, globals };
}
