/**
 * `anaconda token config [--force]` (docs/behaviour.md, "token commands"): points conda's
 * `default_channels` in `~/.condarc` at the premium repository, after asking.
 * @module
 */
import type { App } from "../framework/app.ts";
import { flag, leaf, type OptionValues } from "../framework/args.ts";
import { escapeControl } from "../../text.ts";
import { backupNote, cleanCondaIndex, confirmDefaultChannels } from "./condarc_flow.ts";

const CONFIG_OPTIONS = { force: flag("--force", "replace default_channels without asking") };

export const command = leaf({
  name: "config",
  description: "Point conda's default_channels at Anaconda's premium repository",
  options: CONFIG_OPTIONS,
  examples: ["anaconda token config", "anaconda token config --force"],
  run: (input, app) => runConfig(input, app),
});

export async function runConfig(
  input: OptionValues<typeof CONFIG_OPTIONS>,
  app: App,
): Promise<void> {
  const { context } = app;
  const [{ repoUrl }, condarcFile, { defaultChannelsEdits }] = await Promise.all([
    import("../../conda/repo_url.ts"),
    import("../../conda/condarc_file.ts"),
    import("../../conda/conda_settings.ts"),
  ]);
  const repo = repoUrl(context.env);
  const path = await condarcFile.condarcPath(context, { kind: "user" });
  const condarc = await condarcFile.readCondarc(path);
  const answer = await confirmDefaultChannels(app, condarc, {
    repo,
    force: input.force ?? false,
    flagHint: "--force",
  });
  if (answer !== "yes") return;
  const update = await condarcFile.updateCondarc(
    context,
    path,
    (current) => defaultChannelsEdits(current.settings, repo),
  );
  await cleanCondaIndex(app);
  context.stderr.write(
    update.changed
      ? `✓ Set default_channels to ${escapeControl(repo)} in ${escapeControl(update.path)}${
        backupNote(update)
      }\n`
      : `No change to ${escapeControl(update.path)}\n`,
  );
}
