/**
 * `anaconda auth logout` (and the top-level `anaconda logout`): removes the stored token of the
 * site. A key in the environment or config file still authenticates; that is said, not an error
 * (D24).
 * @module
 */
import { type App, siteOrSelected, type SitePick } from "../framework/app.ts";
import { leaf, type OptionValues } from "../framework/args.ts";

/** `auth logout` has no options of its own. */
const LOGOUT_OPTIONS = {};

export type LogoutOptions = OptionValues<typeof LOGOUT_OPTIONS> & SitePick;

export const command = leaf({
  name: "logout",
  description: "Remove the stored API key of the site",
  options: LOGOUT_OPTIONS,
  examples: ["anaconda auth logout", "anaconda auth logout --at work"],
  run: (options, app) => runLogout(options, app),
});

/** Deletes the site's stored token (and legacy entries for anaconda.com); exit 0 if none. */
export async function runLogout(options: LogoutOptions, app: App): Promise<void> {
  const settings = await app.settings();
  const config = siteOrSelected(settings, options.at);
  const { removeToken } = await import("../../token/tokens.ts");
  const { stderr } = app.context;
  const removed = await removeToken(app.context, config);
  stderr.write(
    removed ? `Logged out of ${config.domain}\n` : `No stored token for ${config.domain}\n`,
  );
  if (config.api_key !== null || config.keyring !== null) {
    const { describeSource } = await import("../../config/schema.ts");
    const sources = settings.sourcesOf(config);
    const field = config.api_key !== null ? "api_key" : "keyring";
    const what = field === "api_key" ? "The API key" : "The keyring";
    stderr.write(
      `${what} from ${
        describeSource(sources[field])
      } still authenticates to ${config.domain}; remove it to log out completely\n`,
    );
  }
}
