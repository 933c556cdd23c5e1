/**
 * Help pages, all in one layout: usage line, description, arguments or commands,
 * options, global options (listed in full on group pages, in one line on the others),
 * examples; wrapped to the terminal's width (80 columns in a pipe). Loaded only when
 * help is shown.
 * @module
 */
import {
  type ArgumentTable,
  type Command,
  GLOBAL_OPTIONS,
  optionLabel,
  type OptionSpec,
  type OptionTable,
} from "./args.ts";

/** The width of help in a pipe, and at least on a terminal (a narrower one wraps by itself). */
export const DEFAULT_WIDTH = 80;
const MIN_WIDTH = 40;

/** `--[no-]ssl-verify` for a negatable flag, else the usual label. */
function optionTerm(spec: OptionSpec): string {
  if (!spec.negatable) return optionLabel(spec);
  const short = spec.short ? `-${spec.short}, ` : "";
  return `${short}--[no-]${spec.long}`;
}

/** Wraps `text` to `width` columns, indenting continuation lines by `indent`. */
function wrap(text: string, indent: number, width: number): string {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = "";
  for (const word of words) {
    if (line !== "" && indent + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  lines.push(line);
  return lines.join(`\n${" ".repeat(indent)}`);
}

/** A two-column section: terms padded to the widest, descriptions wrapped. */
function section(title: string, rows: [string, string][], width: number): string {
  if (rows.length === 0) return "";
  const column = Math.min(Math.max(...rows.map(([term]) => term.length)) + 2, 34);
  const lines = rows.map(([term, text]) => {
    const pad = term.length + 2 > column
      ? `\n${" ".repeat(column + 2)}`
      : " ".repeat(column - term.length);
    return `  ${term}${pad}${wrap(text, column + 2, width)}`;
  });
  return `\n${title}:\n${lines.join("\n")}\n`;
}

function optionRows(table: OptionTable): [string, string][] {
  return Object.values(table).filter((spec) => spec.help !== undefined).map((spec) => {
    const choices = spec.choices ? ` (one of: ${spec.choices.join(", ")})` : "";
    return [optionTerm(spec), `${spec.help}${choices}`];
  });
}

function argumentUsage(args: ArgumentTable): string {
  return Object.values(args).map((spec) => {
    const name = spec.variadic ? `${spec.name}...` : spec.name;
    return spec.required ? ` <${name}>` : ` [${name}]`;
  }).join("");
}

/** The summary of a command: the first line of its description. */
export function summary(command: Command): string {
  return command.description.split("\n")[0]!;
}

/**
 * The help page of `command`, reached by `path` (`["anaconda", "sites", "add"]`),
 * wrapped to `width` columns (the terminal's; `DEFAULT_WIDTH` in a pipe).
 */
export async function renderHelp(
  command: Command,
  path: string[],
  width: number = DEFAULT_WIDTH,
): Promise<string> {
  width = Math.max(width, MIN_WIDTH);
  const name = path.join(" ");
  const description = command.description.split("\n").map((line) => wrap(line, 0, width))
    .join("\n");
  const { help: _help, ...globals } = GLOBAL_OPTIONS;
  const parts: string[] = [];
  if (command.kind === "group") {
    parts.push(`Usage: ${name} [options] <command>\n\n${description}\n`);
    const visible = command.commands.filter((entry) => !entry.hidden);
    const rows = await Promise.all(visible.map(async (entry): Promise<[string, string]> => {
      if (entry.summary !== undefined) return [entry.name, entry.summary];
      const sub = await entry.load();
      return [sub.name, summary(sub)];
    }));
    parts.push(section("Commands", rows, width));
    parts.push(section("Options", optionRows({ help: GLOBAL_OPTIONS.help, ...globals }), width));
  } else {
    parts.push(
      `Usage: ${name} [options]${argumentUsage(command.args)}\n\n${description}\n`,
    );
    parts.push(
      section(
        "Arguments",
        Object.values(command.args as ArgumentTable).map((spec) => [spec.name, spec.help]),
        width,
      ),
    );
    parts.push(
      section("Options", optionRows({ ...command.options, help: GLOBAL_OPTIONS.help }), width),
    );
    // The whole block is on `anaconda --help`; here, only their names.
    const names = Object.values(globals).filter((spec) => spec.help !== undefined)
      .map((spec) => `--${spec.long}${spec.placeholder ? ` ${spec.placeholder}` : ""}`)
      .join(", ");
    parts.push(`\n${wrap(`Global options: ${names} (see '${path[0]} --help')`, 2, width)}\n`);
  }
  if (command.examples.length > 0) {
    parts.push(`\nExamples:\n${command.examples.map((line) => `  ${line}`).join("\n")}\n`);
  }
  return parts.join("");
}
