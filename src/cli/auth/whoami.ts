/**
 * `anaconda auth whoami` (and the top-level `anaconda whoami`): prints the account of the
 * logged-in user (`GET /api/account`) as JSON, keys sorted. Without credentials it fails with
 * `TokenNotFoundError` (D43), which offers a login on a terminal.
 * @module
 */
import { type App, siteOrSelected, type SitePick } from "../framework/app.ts";
import { JSON_OPTIONS, leaf, type OptionValues } from "../framework/args.ts";

/** `--json`: JSON is the only format; the option is accepted for scripts. */
export const WHOAMI_OPTIONS = { ...JSON_OPTIONS };

export type WhoamiOptions = OptionValues<typeof WHOAMI_OPTIONS> & SitePick;

export const command = leaf({
  name: "whoami",
  description: "Show the logged-in user's account",
  options: WHOAMI_OPTIONS,
  examples: ["anaconda auth whoami", "anaconda auth whoami --at work | jq -r .user.email"],
  run: (options, app) => runWhoami(options, app),
});

/** Prints `/api/account` of the site, with its `domain`, as JSON with sorted keys (indent 2). */
export async function runWhoami(options: WhoamiOptions, app: App): Promise<void> {
  const settings = await app.settings();
  const config = siteOrSelected(settings, options.at);
  const { context } = app;
  const [{ siteClient }, { sortKeys, writeJson }, { describeFieldSource }] = await Promise.all([
    import("../../login/site_client.ts"),
    import("../framework/output.ts"),
    import("../../config/load.ts"),
  ]);
  // No key, or an expired one: TokenNotFoundError / TokenExpiredError (D43).
  const client = await siteClient(context, config, {
    verbose: app.globals().verbose,
    requireKey: true,
    sslVerifySource: describeFieldSource(settings, config, "ssl_verify"),
  });
  try {
    const account = await client.account();
    context.stderr.write(`Your info (${config.domain}):\n`);
    writeJson(context.stdout, sortKeys(account));
  } finally {
    client.close();
  }
}
