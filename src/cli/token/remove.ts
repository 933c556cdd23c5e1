/**
 * `anaconda token remove [--system|--env|--file F]`, compatible with `conda token remove`
 * (docs/behaviour.md, "token commands"; D51): deletes conda's token file of `REPO_URL` and, in
 * the chosen `.condarc`, removes `default_channels` and `signing_metadata_url_base` and sets
 * `extra_safety_checks: false`. Stored repo tokens stay (`token uninstall` deletes them).
 * @module
 */
import type { App } from "../framework/app.ts";
import { leaf, type OptionValues } from "../framework/args.ts";
import { escapeControl } from "../../text.ts";
import { backupNote, cleanCondaIndex } from "./condarc_flow.ts";
import { LOCATION_OPTIONS, locationOf } from "./location.ts";

export const command = leaf({
  name: "remove",
  description: "Remove conda's token and default_channels (conda token remove)",
  options: LOCATION_OPTIONS,
  examples: ["anaconda token remove", "anaconda token remove --env"],
  run: (input, app) => runRemove(input, app),
});

export async function runRemove(
  input: OptionValues<typeof LOCATION_OPTIONS>,
  app: App,
): Promise<void> {
  const { context } = app;
  const location = locationOf(input);
  const [{ repoUrl }, condarcFile, { tokenRemoveEdits }, tokenFiles] = await Promise.all([
    import("../../conda/repo_url.ts"),
    import("../../conda/condarc_file.ts"),
    import("../../conda/conda_settings.ts"),
    import("../../conda/token_files.ts"),
  ]);
  const repo = repoUrl(context.env);
  const path = await condarcFile.condarcPath(context, location);
  // The .condarc first: a malformed or unwritable one stops here, before the token file goes.
  const update = await condarcFile.updateCondarc(context, path, () => tokenRemoveEdits());
  const removed = await tokenFiles.removeTokenFile(tokenFiles.tokenDirectory(context), repo);
  await cleanCondaIndex(app);
  const parts = [
    removed ? `removed the conda token for ${repo}` : `no conda token for ${repo} was set`,
    update.changed ? `updated ${update.path}` : `no change to ${update.path}`,
  ];
  context.stderr.write(
    `✓ ${escapeControl(parts.join("; ").replace(/^./, (c) => c.toUpperCase()))}${
      backupNote(update)
    }\n`,
  );
}
