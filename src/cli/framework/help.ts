/**
 * Help pages, all in one layout: usage line, description, arguments or commands,
 * options, global options, examples. Loaded only when help is shown.
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

const WIDTH = 80;

/** `--[no-]ssl-verify` for a negatable flag, else the usual label. */
function optionTerm(spec: OptionSpec): string {
  if (!spec.negatable) return optionLabel(spec);
  const short = spec.short ? `-${spec.short}, ` : "";
  return `${short}--[no-]${spec.long}`;
}

/** Wraps `text` to the width, indenting continuation lines by `indent`. */
function wrap(text: string, indent: number): string {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = "";
  for (const word of words) {
    if (line !== "" && indent + line.length + 1 + word.length > WIDTH) {
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
function section(title: string, rows: [string, string][]): string {
  if (rows.length === 0) return "";
  const width = Math.min(Math.max(...rows.map(([term]) => term.length)) + 2, 34);
  const lines = rows.map(([term, text]) => {
    const pad = term.length + 2 > width
      ? `\n${" ".repeat(width + 2)}`
      : " ".repeat(width - term.length);
    return `  ${term}${pad}${wrap(text, width + 2)}`;
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

/** The help page of `command`, reached by `path` (`["anaconda", "sites", "add"]`). */
export async function renderHelp(command: Command, path: string[]): Promise<string> {
  const name = path.join(" ");
  const description = command.description.split("\n").map((line) => wrap(line, 0)).join("\n");
  const { help: _help, ...globals } = GLOBAL_OPTIONS;
  const parts: string[] = [];
  if (command.kind === "group") {
    parts.push(`Usage: ${name} [options] <command>\n\n${description}\n`);
    const visible = command.commands.filter((entry) => !entry.hidden);
    const loaded = await Promise.all(visible.map((entry) => entry.load()));
    parts.push(section("Commands", loaded.map((sub) => [sub.name, summary(sub)])));
    parts.push(section("Options", optionRows({ help: GLOBAL_OPTIONS.help, ...globals })));
  } else {
    parts.push(
      `Usage: ${name} [options]${argumentUsage(command.args)}\n\n${description}\n`,
    );
    parts.push(
      section(
        "Arguments",
        Object.values(command.args as ArgumentTable).map((spec) => [spec.name, spec.help]),
      ),
    );
    parts.push(section("Options", optionRows({ ...command.options, help: GLOBAL_OPTIONS.help })));
    parts.push(section("Global options", optionRows(globals)));
  }
  if (command.examples.length > 0) {
    parts.push(`\nExamples:\n${command.examples.map((line) => `  ${line}`).join("\n")}\n`);
  }
  return parts.join("");
}
