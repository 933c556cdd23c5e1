/**
 * `anaconda auth api-key`: prints the API key of the site, and nothing else on stdout.
 * @module
 */
import type { App } from "../framework/app.ts";
import { leaf } from "../framework/args.ts";
// Static: the command always needs it (from source, each import() costs a module-graph pass).
import { requireApiKey } from "../../token/tokens.ts";

export const command = leaf({
  name: "api-key",
  description: "Print the API key of the site (and nothing else on stdout)",
  examples: [
    "anaconda auth api-key",
    "export ANACONDA_AUTH_API_KEY=$(anaconda auth api-key --at work)",
  ],
  run: (_options, app) => runApiKey(app),
});

/**
 * Prints the configured or stored API key. Throws `TokenNotFoundError` without one and
 * `TokenExpiredError` when it has expired or is not a valid API key.
 */
export async function runApiKey(app: App): Promise<void> {
  const settings = await app.settings();
  const config = settings.site();
  const apiKey = await requireApiKey(app.context, config);
  app.context.stdout.write(`${apiKey}\n`);
}
