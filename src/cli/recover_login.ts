/**
 * The login-required recovery (docs/behaviour.md, "Errors and exit codes"): a command failed
 * because there is no API key, it expired, or the service said `auth_required`. The error is
 * reported; when stdout is a terminal the user may log in and the command runs again, otherwise
 * (or on "n") one line names the command that logs in, and the exit code is 1.
 * @module
 */
import { type App, siteOrSelected } from "./framework/app.ts";
import { reportError } from "./framework/errors.ts";
import { escapeControl } from "../text.ts";

/**
 * The one line printed under the error when no interactive login happens: the command
 * to run. `site` is null when the site is not one `--at` accepts (a domain from the
 * environment that no site has).
 */
export function loginHint(site: string | null): string {
  const command = site === null ? "anaconda auth login" : `anaconda login --at ${site}`;
  return `To log in, run: ${escapeControl(command)} (or set ANACONDA_AUTH_API_KEY)\n`;
}

/**
 * Reports `err`, then offers an interactive login (stdout on a terminal only). Returns
 * the exit code: the re-run command's after a successful login, else `err`'s.
 */
export async function recoverLogin(
  err: unknown,
  app: App,
  rerun: () => Promise<number>,
): Promise<number> {
  const { context, prompter } = app;
  const verbose = app.globals().verbose;
  const code = reportError(err, context.stderr, verbose);
  let site: string | null = app.globals().at ?? "anaconda.com";
  try {
    const settings = await app.settings();
    // The site the failed command acted on: the one picked on the terminal, if any.
    const config = siteOrSelected(settings, app.picked);
    const configured = config.site === "anaconda.com" ||
      settings.siteEntries.some((entry) => entry.name === config.site);
    site = configured ? config.site : null;
    if (context.stdout.isTerminal && await prompter.confirm("Continue with interactive login?")) {
      const { interactiveLogin } = await import("./auth/login.ts");
      await interactiveLogin(config, app);
      return await rerun();
    }
  } catch (loginError) {
    return reportError(loginError, context.stderr, verbose);
  }
  context.stderr.write(loginHint(site));
  return code;
}
