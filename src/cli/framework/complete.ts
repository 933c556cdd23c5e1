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

async function siteNames(app: App): Promise<string[]> {
  try {
    const settings = await app.settings();
    const names = settings.siteEntries.map((entry) => entry.name);
    return names.length > 0 ? names : ["anaconda.com"];
  } catch {
    return []; // a broken config offers nothing rather than an error in the prompt
  }
}

/**
 * The candidates for the last of `words` (the word being typed, maybe empty), given the
 * words before it (without the program name).
 */
export async function completionCandidates(
  root: Command,
  words: string[],
  app: App,
): Promise<string[]> {
  const typed = words.at(-1) ?? "";
  let command = root;
  let positionals = 0;
  let pendingValue: OptionSpec | undefined;
  for (const word of words.slice(0, -1)) {
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
  if (pendingValue) {
    offered = pendingValue.choices
      ? [...pendingValue.choices]
      : pendingValue.completeSites
      ? await siteNames(app)
      : [];
  } else if (typed.startsWith("-")) {
    offered = optionsOf(command).filter((spec) => spec.help !== undefined).flatMap(optionWords);
  } else if (command.kind === "group") {
    offered = command.commands.filter((entry) => !entry.hidden).map((entry) => entry.name);
  } else {
    const argument = Object.values(command.args as ArgumentTable)[positionals];
    offered = argument?.completeSites ? await siteNames(app) : [];
  }
  return offered.filter((candidate) => candidate.startsWith(typed));
}
