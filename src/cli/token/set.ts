/**
 * `anaconda token set TOKEN ...`, compatible with `conda token set` (docs/behaviour.md, "token
 * commands"; D51, D55-D58): refuses a token conda cannot send, validates it the way conda will
 * connect, writes conda's token file of `REPO_URL`, and in the chosen `.condarc` sets
 * `add_anaconda_token`, optionally `ssl_verify: false` and signature verification, and
 * `default_channels` (after asking, unless `--force-config-condarc`), renaming conda's old
 * names of those keys in place. When conda would then have no channel to search, one line says
 * how to add one. With `--org` the token is also kept in the site's record.
 * @module
 */
import type { App } from "../framework/app.ts";
import { argument, flag, type Input, leaf, list, value } from "../framework/args.ts";
import { ARCHIVE_CHANNELS } from "../../conda/conda_settings.ts";
import {
  backupNote,
  cleanCondaIndex,
  confirmDefaultChannels,
  noChannelsLine,
  readCondaView,
  tokenArgument,
} from "./condarc_flow.ts";
import { LOCATION_OPTIONS, locationOf } from "./location.ts";

const OPTIONS = {
  org: value("-o, --org <org>", "also keep the token as this organization's repo token"),
  includeArchiveChannels: list(
    "--include-archive-channels <channel...>",
    "add archive channels to default_channels",
    { choices: ARCHIVE_CHANNELS },
  ),
  noSslVerify: flag("--no-ssl-verify", "validate without TLS checks; set ssl_verify: false"),
  enableSignatureVerification: flag(
    "--enable-signature-verification",
    "turn on conda's package signature verification",
  ),
  forceConfigCondarc: flag("--force-config-condarc", "replace default_channels without asking"),
  ...LOCATION_OPTIONS,
};

const ARGS = { token: argument("<token>", "the repo token; - reads it from stdin") };

export const command = leaf({
  name: "set",
  description: "Validate a repo token and configure conda (like conda token set)",
  options: OPTIONS,
  args: ARGS,
  examples: [
    "anaconda token set <token> --force-config-condarc",
    "anaconda token set - --env --force-config-condarc < token.txt",
    "anaconda token set <token> --include-archive-channels free pro",
  ],
  run: (input, app) => runSet(input, app),
});

export type SetInput = Input<typeof OPTIONS, typeof ARGS>;

export async function runSet(input: SetInput, app: App): Promise<void> {
  const { context } = app;
  const location = locationOf(input);
  const archive = input.includeArchiveChannels ?? [];
  const [{ repoUrl, checkTokenCharacters }, condarcFile, settingsEdits] = await Promise.all([
    import("../../conda/repo_url.ts"),
    import("../../conda/condarc_file.ts"),
    import("../../conda/conda_settings.ts"),
  ]);
  const repo = repoUrl(context.env);
  const token = await tokenArgument(app, input.token);
  // A token conda cannot send, a malformed .condarc and a mistyped token all fail before
  // any question (as conda token set): neither reading nor validating changes anything.
  checkTokenCharacters(token);
  const condarc = await condarcFile.readCondarc(await condarcFile.condarcPath(context, location));
  const view = await readCondaView(app, condarc.path, location);
  const settings = await app.settings();
  const config = settings.site();
  const [{ validateRepoToken }, { describeFieldSource }] = await Promise.all([
    import("../../conda/validate_token.ts"),
    import("../../config/load.ts"),
  ]);
  await validateRepoToken(context, config, token, {
    repoUrl: repo,
    insecure: input.noSslVerify ?? false,
    connection: view.connection,
    verbose: app.globals().verbose,
    sslVerifySource: describeFieldSource(settings, config, "ssl_verify"),
  });
  const channels = await confirmDefaultChannels(app, condarc, {
    repo,
    archive,
    force: input.forceConfigCondarc ?? false,
    flagHint: "--force-config-condarc",
  });

  // The .condarc first: an unwritable one is the likeliest failure, and then nothing changed.
  const update = await condarcFile.updateCondarc(context, condarc.path, (current) => [
    ...settingsEdits.tokenSettingsEdits(repo, {
      disableSslVerify: input.noSslVerify ?? false,
      signatureVerification: input.enableSignatureVerification ?? false,
    }),
    ...(channels === "yes"
      ? settingsEdits.defaultChannelsEdits(current.settings, repo, archive)
      : []),
  ]);
  const { setTokenFile, tokenDirectory } = await import("../../conda/token_files.ts");
  await setTokenFile(tokenDirectory(context), repo, token);
  if (input.org !== undefined) {
    const { saveRepoToken } = await import("../../token/repo_tokens.ts");
    await saveRepoToken(context, config, input.org, token);
  }
  await cleanCondaIndex(app);
  const home = await condarcFile.condarcPath(context, { kind: "user" });
  const noChannels = noChannelsLine(view, condarc.path, home);
  if (noChannels !== null) context.stderr.write(`Warning: ${noChannels}\n`);
  context.stderr.write(
    // "Conda" capitalised: conda-token's sentence, kept on purpose (docs/behaviour.md, "Kept on
    // purpose").
    `✓ Success! Your token was validated and Conda has been configured.${backupNote(update)}\n`,
  );
}
