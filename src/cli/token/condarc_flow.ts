/**
 * The `.condarc` steps that `token install`, `set`, `config` and `remove` share: saying what
 * will happen to `default_channels` and asking before replacing them (unless forced), reading
 * what conda itself will see (its channels, D57, and its connection settings, D58), saying
 * where a backup went, and cleaning conda's index cache afterwards.
 * @module
 */
import type { App } from "../framework/app.ts";
import { UsageError } from "../framework/errors.ts";
import { escapeControl } from "../../text.ts";
import { dirName } from "../../path.ts";
import type { Condarc, CondarcEdit } from "../../conda/condarc_edit.ts";
import type { ChannelsStatus, CondaConnection } from "../../conda/conda_config.ts";
import type { CondarcLocation, CondarcUpdate } from "../../conda/condarc_file.ts";
import { condaSetting } from "../../conda/conda_keys.ts";
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

/** What conda will see once the target `.condarc` is written. */
export interface CondaView {
  /** Its channels (D57). */
  channels: ChannelsStatus;
  /** The connection settings of its HTTP session (D58). */
  connection: CondaConnection;
}

/**
 * Reads the `.condarc` files conda reads along with `target` (at `location`) and
 * merges them by conda's rules. Files conda could not read either are warnings.
 */
export async function readCondaView(
  app: App,
  target: string,
  location: CondarcLocation,
): Promise<CondaView> {
  const { context } = app;
  const [config, { knownBasePrefix }] = await Promise.all([
    import("../../conda/conda_config.ts"),
    import("../../conda/conda_command.ts"),
  ]);
  const base = location.kind === "system" ? dirName(target) : knownBasePrefix(context.env);
  const files = await config.readCondaFiles(context, target, base);
  for (const problem of files.problems) {
    context.stderr.write(`Warning: ${escapeControl(problem)}\n`);
  }
  return {
    channels: config.channelsStatus(files, context.env),
    connection: await config.condaConnection(files, context.env),
  };
}

/** The channel list conda has used by default before 25.9. */
export const DEFAULT_CHANNELS_SETTING = ["defaults"];

/** Why conda would have no channel to search (D57). */
export const NO_CHANNEL = "conda has no channel to search: no .condarc it reads lists channels " +
  "(conda 25.9 and later no longer add defaults by themselves)";

/** `text` quoted for a POSIX shell when it needs it. */
function shellWord(text: string): string {
  return /^[\w@%+=:,./~-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

/**
 * The one line that says conda will have no channel and gives the exact fix (for
 * `target`, or for the file whose `#!final` hides the target's channels); null when
 * conda has channels.
 */
export function noChannelsLine(
  view: CondaView,
  target: string,
  userCondarc: string,
): string | null {
  const { channels, finalBefore } = view.channels;
  if (channels.length > 0) return null;
  if (finalBefore !== null) {
    return `${NO_CHANNEL}, and ${escapeControl(finalBefore)} marks channels #!final, so conda ` +
      `reads them from no later file: add defaults to its channels list`;
  }
  const file = target === userCondarc ? "" : ` --file ${shellWord(target)}`;
  return `${NO_CHANNEL}. Fix: add "channels: [defaults]" to ${escapeControl(target)}, or run ` +
    `conda config${escapeControl(file)} --add channels defaults`;
}

/** Whether conda's channel list can be fixed in the target itself. */
export function channelsFixableInTarget(view: CondaView): boolean {
  return view.channels.channels.length === 0 && view.channels.finalBefore === null;
}

/** `channels: [defaults]` unless the file (as it is when written) lists channels. */
export function addChannelsEdits(settings: Record<string, unknown>): CondarcEdit[] {
  const current = condaSetting(settings, "channels");
  const listed = Array.isArray(current)
    ? current.length > 0
    : current !== null && current !== undefined;
  return listed ? [] : [{ key: "channels", value: DEFAULT_CHANNELS_SETTING }];
}

/** ` (backup of the previous version: <path>)`, or "" when no backup was made. */
export function backupNote(update: CondarcUpdate): string {
  return update.backup === null
    ? ""
    : ` (backup of the previous version: ${escapeControl(update.backup)})`;
}
