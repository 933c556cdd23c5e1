/**
 * `anaconda token list [--json]` (docs/behaviour.md, "token commands"): the repo tokens in the
 * site's record and conda's token files, as a table (Organization / Channel URL / Token) or
 * JSON. It shows tokens, which is its purpose (like `auth api-key`); it sends no request. No
 * token at all is exit 1.
 * @module
 */
import type { App } from "../framework/app.ts";
import { JSON_OPTIONS, leaf, type OptionValues } from "../framework/args.ts";
import { AbortError } from "../framework/errors.ts";

/** One row of `token list`. */
export interface TokenRow {
  /** The organization of a stored repo token; null for a conda token file. */
  organization: string | null;
  channel_url: string;
  token: string;
  source: "keyring" | "conda token file";
}

const LIST_OPTIONS = { ...JSON_OPTIONS };

export const command = leaf({
  name: "list",
  description: "List the installed repo tokens and conda's token files",
  options: LIST_OPTIONS,
  examples: ["anaconda token list", "anaconda token list --json"],
  run: (input, app) => runList(input, app),
});

export async function runList(input: OptionValues<typeof LIST_OPTIONS>, app: App): Promise<void> {
  const { context } = app;
  const [{ repoUrl }, { storedRepoTokens }, { readTokenFiles, tokenDirectory }, output] =
    await Promise.all([
      import("../../conda/repo_url.ts"),
      import("../../token/repo_tokens.ts"),
      import("../../conda/token_files.ts"),
      import("../framework/output.ts"),
    ]);
  const repo = repoUrl(context.env);
  const config = (await app.settings()).site();
  const [stored, files] = await Promise.all([
    storedRepoTokens(context, config),
    readTokenFiles(tokenDirectory(context)),
  ]);
  const rows: TokenRow[] = [
    ...stored.map((repoToken): TokenRow => ({
      organization: repoToken.org_name,
      channel_url: `${repo}${repoToken.org_name}/*`,
      token: repoToken.token,
      source: "keyring",
    })),
    ...files.map((file): TokenRow => ({
      organization: null,
      channel_url: file.url,
      token: file.token,
      source: "conda token file",
    })),
  ];
  if (input.json) output.writeJson(context.stdout, rows);
  if (rows.length === 0) {
    throw new AbortError("No repo tokens are installed. Run anaconda token install.");
  }
  if (input.json) return;
  if (context.stdout.isTerminal) context.stdout.write("Anaconda Repository Tokens\n");
  context.stdout.write(output.renderTable(
    ["Organization", "Channel URL", "Token"],
    rows.map((row) => [row.organization ?? "", row.channel_url, row.token]),
    output.tableStyle(context.stdout, context.env),
  ));
}
