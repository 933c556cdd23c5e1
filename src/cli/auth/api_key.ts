/**
 * `anaconda auth api-key`: prints the API key of the site, and nothing else on stdout.
 * @module
 */
import type { Command } from "@commander-js/extra-typings";
import { type App, siteOrSelected } from "../app.ts";

export interface ApiKeyOptions {
  /** The site name or domain; defaults to the selected site (`--at`, env, default). */
  at?: string;
}

export function registerApiKey(group: Command, app: App): void {
  group.command("api-key")
    .description("Print the API key of the site")
    .action(async () => {
      await runApiKey({}, app);
    });
}

/**
 * Prints the configured or stored API key. Throws `TokenNotFoundError` without one and
 * `TokenExpiredError` when it has expired or is not a valid API key.
 */
export async function runApiKey(options: ApiKeyOptions, app: App): Promise<void> {
  const settings = await app.settings();
  const config = siteOrSelected(settings, options.at);
  const { requireApiKey } = await import("../../token/tokens.ts");
  const apiKey = await requireApiKey(app.context, config);
  app.context.stdout.write(`${apiKey}\n`);
}
