/**
 * `anaconda token uninstall [-o ORG] [-a|--all]` (docs/behaviour.md, "token commands"): deletes
 * repo tokens from the site's record. conda's token file of `REPO_URL` goes too when it holds a
 * deleted token (`token install` wrote it, D53).
 * @module
 */
import type { App } from "../framework/app.ts";
import { flag, leaf, type OptionValues, value } from "../framework/args.ts";
import { UsageError } from "../framework/errors.ts";
import { escapeControl } from "../../text.ts";
import type { RepoToken } from "../../token/token_info.ts";

const UNINSTALL_OPTIONS = {
  org: value("-o, --org <org>", "the organization whose token to delete"),
  all: flag("-a, --all", "delete every repo token"),
};

export const command = leaf({
  name: "uninstall",
  description: "Delete the repo token of an organization, or all of them",
  options: UNINSTALL_OPTIONS,
  examples: ["anaconda token uninstall --org acme", "anaconda token uninstall --all"],
  run: (input, app) => runUninstall(input, app),
});

// The Python tool's sentence, kept on purpose, with "(or --all)" added (docs/behaviour.md, "Kept on
// purpose").
const NEED_ORG = "Must explicitly provide an --org option (or --all)";

/** The organization to uninstall: a pick among the stored ones, on a terminal. */
async function chooseOrganization(app: App, stored: RepoToken[]): Promise<string> {
  // The Python tool aborts (exit 1); a missing option is a usage error here (exit 2).
  if (stored.length === 0 || !app.context.stdin.isTerminal) throw new UsageError(NEED_ORG);
  return await app.prompter.choose(
    "Please select an organization:",
    stored.map((repo) => ({ value: repo.org_name, label: escapeControl(repo.org_name) })),
    { flagHint: "--org <org>", noTerminal: NEED_ORG },
  );
}

export async function runUninstall(
  input: OptionValues<typeof UNINSTALL_OPTIONS>,
  app: App,
): Promise<void> {
  if (input.all && input.org !== undefined) {
    throw new UsageError("--org and --all cannot be used together");
  }
  const { context } = app;
  const [{ repoUrl }, repoTokens, tokenFiles] = await Promise.all([
    import("../../conda/repo_url.ts"),
    import("../../token/repo_tokens.ts"),
    import("../../conda/token_files.ts"),
  ]);
  const repo = repoUrl(context.env);
  const config = (await app.settings()).site();
  const org = input.all ? null : input.org ??
    await chooseOrganization(app, await repoTokens.storedRepoTokens(context, config));
  const removed = await repoTokens.removeRepoTokens(context, config, org);
  const shownOrg = org === null ? "" : escapeControl(org);
  if (removed.length === 0) {
    context.stderr.write(
      org === null
        ? "No repo tokens are installed; nothing to delete\n"
        : `No repo token is installed for the organization ${shownOrg}; nothing to delete\n`,
    );
    return;
  }
  const dir = tokenFiles.tokenDirectory(context);
  const file = (await tokenFiles.readTokenFiles(dir)).find((entry) => entry.url === repo);
  const fileToo = file !== undefined && removed.some((entry) => entry.token === file.token) &&
    await tokenFiles.removeTokenFile(dir, repo);
  const also = fileToo ? ` (and conda's token file for ${escapeControl(repo)})` : "";
  context.stderr.write(
    org === null
      ? `✓ Successfully deleted all repo tokens${also}.\n`
      : `✓ Successfully deleted token for organization: ${shownOrg}${also}\n`,
  );
}
