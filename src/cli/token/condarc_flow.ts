/**
 * The `.condarc` steps that `token install`, `set` and `config` share: saying what will
 * happen to `default_channels` and asking before replacing them (unless forced), and
 * cleaning conda's index cache afterwards.
 * @module
 */
import type { App } from "../framework/app.ts";
import { UsageError } from "../framework/errors.ts";
import { escapeControl } from "../../text.ts";
import type { Condarc } from "../../conda/condarc_edit.ts";
import { defaultChannelsConfigured, existingDefaultChannels } from "../../conda/conda_settings.ts";

export interface ChannelsQuestion {
  /** `REPO_URL`. */
  repo: string;
  /** Archive channels to include (`token set --include-archive-channels`). */
  archive?: readonly string[];
  /** Replace them without asking (`--yes`, `--force`). */
  force: boolean;
  /** The flag that answers the question, named when nobody can (`--yes`). */
  flagHint: string;
}

/** `already`: nothing to do; `yes`: set them; `no`: the user said no. */
export type ChannelsAnswer = "already" | "yes" | "no";

/**
 * Says what setting `default_channels` in `current` would do and asks to proceed (unless
 * forced).
 */
export async function confirmDefaultChannels(
  app: App,
  current: Condarc,
  question: ChannelsQuestion,
): Promise<ChannelsAnswer> {
  const { stderr } = app.context;
  stderr.write(`Configuring your .condarc file (${escapeControl(current.path)})\n`);
  if (defaultChannelsConfigured(current.settings, question.repo, question.archive)) {
    stderr.write("Default channels already configured, nothing to do.\n");
    return "already";
  }
  if (question.force) return "yes";
  const existing = existingDefaultChannels(current.settings);
  stderr.write(
    existing.length > 0
      ? `Existing default channels found:\n${
        existing.map((channel) => `- ${escapeControl(channel)}\n`).join("")
      }This action will override the existing default_channels setting.\n`
      : "Prepared to set default channels in .condarc.\n",
  );
  const proceed = await app.prompter.confirm("Proceed?", {
    defaultAnswer: false,
    flagHint: question.flagHint,
  });
  return proceed ? "yes" : "no";
}

/** Runs `conda clean -i` when conda is on PATH; a failure is a warning, not an error. */
export async function cleanCondaIndex(app: App): Promise<void> {
  const { cleanIndexCache } = await import("../../conda/conda_command.ts");
  const warning = await cleanIndexCache(app.context);
  if (warning) app.context.stderr.write(`Warning: ${escapeControl(warning)}\n`);
}

/** What a token on the command line gets (as a password there does). */
export const TOKEN_ON_ARGV_WARNING =
  "Warning: a token on the command line is visible to other users of this machine; " +
  "pass - instead to read it from standard input\n";

/**
 * The token given on the command line (with a warning: the process list shows it), or
 * read from standard input for `-` (which keeps it out of the process list).
 */
export async function tokenArgument(app: App, given: string): Promise<string> {
  if (given !== "-") {
    app.context.stderr.write(TOKEN_ON_ARGV_WARNING);
    return given;
  }
  const token = (await app.context.stdin.readAll()).trim();
  if (token === "") throw new UsageError("no token on standard input");
  return token;
}
