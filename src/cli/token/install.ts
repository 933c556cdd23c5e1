/**
 * `anaconda token install [TOKEN] [-o ORG] [--[no-]set-default-channels] [-y]`
 * (docs/behaviour.md, "token commands"; D53-D59): picks the organization, issues a repo token
 * (after asking before one replaces another) unless one is given, refuses a token conda cannot
 * send, validates it the way conda will connect, then stores it in the site's record, writes
 * conda's token file and configures `~/.condarc` (renaming conda's old key names in place).
 * When no `.condarc` conda reads lists channels, it offers to add `channels: [defaults]`. Every
 * question is asked before anything changes.
 * @module
 */
import type { App } from "../framework/app.ts";
import { argument, flag, type Input, leaf, toggle, value } from "../framework/args.ts";
import { AbortError } from "../framework/errors.ts";
import { escapeControl } from "../../text.ts";
import type { Client } from "../../http/client.ts";
import type { Condarc } from "../../conda/condarc_edit.ts";
import {
  addChannelsEdits,
  backupNote,
  type ChannelsAnswer,
  channelsFixableInTarget,
  cleanCondaIndex,
  type CondaView,
  confirmDefaultChannels,
  DEFAULT_CHANNELS_SETTING,
  NO_CHANNEL,
  noChannelsLine,
  readCondaView,
  tokenArgument,
} from "./condarc_flow.ts";

const OPTIONS = {
  org: value("-o, --org <org>", "the organization (its name, as in URLs)"),
  setDefaultChannels: toggle(
    "--set-default-channels",
    "point conda's default_channels at the repository (default: on)",
  ),
  yes: flag(
    "-y, --yes",
    "reissue a token, replace default_channels and add channels: [defaults] without asking",
  ),
};

const ARGS = { token: argument("[token]", "a token you already have; - reads it from stdin") };

export const command = leaf({
  name: "install",
  description: "Issue (or install a given) repo token and configure conda for it",
  options: OPTIONS,
  args: ARGS,
  examples: [
    "anaconda token install",
    "anaconda token install --org acme --yes",
    "anaconda token install - --org acme < token.txt",
  ],
  run: (input, app) => runInstall(input, app),
});

export type InstallInput = Input<typeof OPTIONS, typeof ARGS>;

/** The organization to install for: the only business one, else the user's pick. */
async function selectOrganization(app: App, client: Client): Promise<string> {
  const { businessOrganizations } = await import("../../conda/repo_api.ts");
  const orgs = await businessOrganizations(client);
  if (orgs.length === 0) throw new AbortError("No organizations found.");
  if (orgs.length === 1) {
    const name = orgs[0]!.name;
    app.context.stderr.write(
      `Only one organization found, automatically selecting: ${escapeControl(name)}\n`,
    );
    return name;
  }
  const names = orgs.map((org) => escapeControl(org.name)).join(", ");
  return await app.prompter.choose(
    "Please select an organization:",
    orgs.map((org) => ({
      value: org.name,
      label: `${escapeControl(org.title)} (${escapeControl(org.name)})`,
    })),
    {
      flagHint: "--org <org>",
      noTerminal: `Several organizations found (${names}): pass --org <org>`,
    },
  );
}

/**
 * When conda would have no channel (D57): says so, and asks (unless `--yes`) to add `channels:
 * [defaults]` to the target. With `--no-set-default-channels`, or when a `#!final` elsewhere
 * hides the target's channels, it only says how to fix it.
 */
async function confirmAddChannels(
  app: App,
  view: CondaView,
  target: string,
  options: { yes: boolean; configure: boolean },
): Promise<boolean> {
  const line = noChannelsLine(view, target, target);
  if (line === null) return false;
  const { stderr } = app.context;
  if (!options.configure || !channelsFixableInTarget(view)) {
    stderr.write(`Warning: ${line}\n`);
    return false;
  }
  const setting = `"channels: [${DEFAULT_CHANNELS_SETTING.join(", ")}]"`;
  const adding = options.yes ? ` Adding ${setting} to ${escapeControl(target)}.` : "";
  stderr.write(`${NO_CHANNEL}.${adding}\n`);
  if (options.yes) return true;
  const add = await app.prompter.confirm(`Add ${setting} to ${escapeControl(target)}?`, {
    defaultAnswer: true,
  });
  if (!add) stderr.write(`Warning: ${line}\n`);
  return add;
}

/** Asks before a new token revokes the organization's current one (unless `--yes`). */
async function confirmReissue(app: App, client: Client, org: string): Promise<void> {
  const { currentRepoToken } = await import("../../conda/repo_api.ts");
  if (await currentRepoToken(client, org) === null) return;
  app.context.stderr.write(
    // "existing ... already exists": conda-token's sentence, kept on purpose (docs/behaviour.md,
    // "Kept on purpose").
    `An existing token already exists for the organization ${escapeControl(org)}.\n` +
      "Reissuing a new token will revoke and deactivate any existing token access. " +
      "This action can't be undone.\n",
  );
  const proceed = await app.prompter.confirm("Proceed?", {
    defaultAnswer: false,
    flagHint: "--yes",
  });
  if (!proceed) throw new AbortError();
}

export async function runInstall(input: InstallInput, app: App): Promise<void> {
  const { context } = app;
  const verbose = app.globals().verbose;
  const yes = input.yes ?? false;
  const [{ repoUrl, checkTokenCharacters }, condarcFile, { siteClient }, api] = await Promise.all([
    import("../../conda/repo_url.ts"),
    import("../../conda/condarc_file.ts"),
    import("../../login/site_client.ts"),
    import("../../conda/repo_api.ts"),
  ]);
  const repo = repoUrl(context.env);
  const given = input.token === undefined ? undefined : await tokenArgument(app, input.token);
  // A token conda cannot send stops here, before anything is asked, sent or written.
  if (given !== undefined) checkTokenCharacters(given);
  const settings = await app.settings();
  const config = settings.site();
  const { describeFieldSource } = await import("../../config/load.ts");
  const sslVerifySource = describeFieldSource(settings, config, "ssl_verify");
  // A .condarc that cannot be edited stops the install before a token is issued.
  const condarc: Condarc = await condarcFile.readCondarc(
    await condarcFile.condarcPath(context, { kind: "user" }),
  );
  const view = await readCondaView(app, condarc.path, { kind: "user" });

  const client = await siteClient(context, config, { requireKey: true, verbose, sslVerifySource });
  let org: string;
  let token: string;
  let channels: ChannelsAnswer | "skipped" = "skipped";
  let addChannels = false;
  try {
    org = input.org ?? await selectOrganization(app, client);
    if (given === undefined && !yes) await confirmReissue(app, client, org);
    if (input.setDefaultChannels !== false) {
      channels = await confirmDefaultChannels(app, condarc, {
        repo,
        force: yes,
        flagHint: "--yes",
      });
    }
    addChannels = await confirmAddChannels(app, view, condarc.path, {
      yes,
      configure: input.setDefaultChannels !== false,
    });
    if (given === undefined) {
      const issued = await api.issueRepoToken(client, org);
      context.stderr.write(
        // Printed when the token is issued, before it is validated or installed: conda-token's
        // sentence and moment, kept on purpose (docs/behaviour.md, "Kept on purpose").
        `Your conda token has been installed and expires ${
          escapeControl(api.formatExpiry(issued.expires_at))
        }. To view your token(s), you can use anaconda token list\n`,
      );
      token = issued.token;
    } else {
      token = given;
    }
  } finally {
    client.close();
  }

  // An issued token is checked too: nothing is stored that conda could not send.
  checkTokenCharacters(token);
  const { validateRepoToken } = await import("../../conda/validate_token.ts");
  await validateRepoToken(context, config, token, {
    repoUrl: repo,
    connection: view.connection,
    verbose,
    sslVerifySource,
  });
  const [{ saveRepoToken }, { setTokenFile, tokenDirectory }, settingsEdits] = await Promise.all([
    import("../../token/repo_tokens.ts"),
    import("../../conda/token_files.ts"),
    import("../../conda/conda_settings.ts"),
  ]);
  // The .condarc first: an unwritable one is the likeliest failure, and then nothing changed.
  const update = await condarcFile.updateCondarc(context, condarc.path, (current) => [
    ...settingsEdits.tokenSettingsEdits(repo),
    ...(channels === "yes" ? settingsEdits.defaultChannelsEdits(current.settings, repo) : []),
    ...(addChannels ? addChannelsEdits(current.settings) : []),
  ]);
  await setTokenFile(tokenDirectory(context), repo, token);
  await saveRepoToken(context, config, org, token);
  await cleanCondaIndex(app);
  const configured = channels === "yes" || channels === "already";
  context.stderr.write(
    `✓ Success! Your token has been installed and validated${
      configured ? ", and conda has been configured" : ""
    }.${backupNote(update)}\n`,
  );
}
