/**
 * What shell completion offers for a partly typed command line (`anaconda __complete
 * <words...>`, called by the scripts of `anaconda completions`): subcommands, options,
 * option choices and configured site names. The scripts stay tiny; the tree is here.
 * @module
 */
import type { App } from "./app.ts";
import {
  type ArgumentTable,
  type Command,
  findEntry,
  GLOBAL_OPTIONS,
  type OptionSpec,
  type OptionTable,
} from "./args.ts";

function optionsOf(command: Command): OptionSpec[] {
  const own: OptionTable = command.kind === "leaf" ? command.options : {};
  return [...Object.values(own), ...Object.values(GLOBAL_OPTIONS)];
}

function findOption(command: Command, word: string): OptionSpec | undefined {
  return optionsOf(command).find((spec) =>
    word === `--${spec.long}` || (spec.short !== undefined && word === `-${spec.short}`)
  );
}

/** Every name an option is typed as: `--org`, `-o`, and `--no-x` for toggles. */
function optionWords(spec: OptionSpec): string[] {
  return [
    `--${spec.long}`,
    ...(spec.negatable ? [`--no-${spec.long}`] : []),
    ...(spec.short ? [`-${spec.short}`] : []),
  ];
}

async function siteNames(app: App, command: Command): Promise<string[]> {
  const others = command.kind === "leaf" ? command.otherDestinations ?? [] : [];
  try {
    const settings = await app.settings();
    const names = settings.siteEntries.map((entry) => entry.name);
    return [...(names.length > 0 ? names : ["anaconda.com"]), ...others];
  } catch {
    return []; // a broken config offers nothing rather than an error in the prompt
  }
}

/** The values an option takes: its choices, or the site names. */
async function optionValues(spec: OptionSpec, command: Command, app: App): Promise<string[]> {
  if (spec.choices) return [...spec.choices];
  return spec.completeSites ? await siteNames(app, command) : [];
}

/**
 * The candidates for the last of `words` (the word being typed, maybe empty), given the
 * words before it (without the program name). An option's value may be typed after an
 * `=`: zsh and fish pass `--at=w` as one word (the candidates then keep the `--at=`),
 * bash splits it into `--at`, `=` and `w` (the candidates are the values alone).
 */
export async function completionCandidates(
  root: Command,
  words: string[],
  app: App,
): Promise<string[]> {
  let typed = words.at(-1) ?? "";
  let before = words.slice(0, -1);
  // bash: `--at=` is the words `--at` `=`, and `--at=w` is `--at` `=` `w`.
  if (typed === "=") {
    before = [...before, "="];
    typed = "";
  }
  if (before.at(-1) === "=" && before.at(-2)?.startsWith("--")) {
    before = [...before.slice(0, -2), before.at(-2)!];
  }
  let command = root;
  let positionals = 0;
  let pendingValue: OptionSpec | undefined;
  for (const word of before) {
    if (pendingValue) {
      pendingValue = undefined;
      continue;
    }
    if (word.startsWith("-")) {
      const spec = word.includes("=") ? undefined : findOption(command, word);
      if (spec && spec.kind !== "flag") pendingValue = spec;
      continue;
    }
    const entry = command.kind === "group" ? findEntry(command, word) : undefined;
    if (entry) {
      command = await entry.load();
      positionals = 0;
    } else {
      positionals++;
    }
  }
  let offered: string[];
  const inline = /^(--[^=]+)=(.*)$/.exec(typed);
  const inlineSpec = inline ? findOption(command, inline[1]!) : undefined;
  if (pendingValue) {
    offered = await optionValues(pendingValue, command, app);
  } else if (inline && inlineSpec && inlineSpec.kind !== "flag") {
    // zsh, fish: `--at=w` completes to `--at=work`.
    const values = await optionValues(inlineSpec, command, app);
    offered = values.map((value) => `${inline[1]}=${value}`);
  } else if (typed.startsWith("-")) {
    offered = optionsOf(command).filter((spec) => spec.help !== undefined).flatMap(optionWords);
  } else if (command.kind === "group") {
    offered = command.commands.filter((entry) => !entry.hidden).map((entry) => entry.name);
  } else {
    const argument = Object.values(command.args as ArgumentTable)[positionals];
    offered = argument?.choices
      ? [...argument.choices]
      : argument?.completeSites
      ? await siteNames(app, command)
      : [];
  }
  return offered.filter((candidate) => candidate.startsWith(typed));
}
