/**
 * The `anaconda` command tree: global options, the command groups, and the mapping of
 * commander's own errors to exit codes.
 * @module
 */
import { Command, CommanderError } from "@commander-js/extra-typings";
import type { Context } from "../context.ts";
import { VERSION } from "../version.ts";
import { type App, createApp } from "./app.ts";
import { LoginRequiredError, TokenExpiredError, TokenNotFoundError } from "../errors.ts";
import { EXIT_OK, EXIT_USAGE, reportError } from "./errors.ts";
import { registerAuth } from "./auth/auth.ts";
import { registerSites } from "./sites/sites.ts";
import { registerTopLevel } from "./top_level.ts";

/** Commander codes that mean "done, nothing went wrong". */
const SUCCESS_CODES = new Set([
  "commander.helpDisplayed",
  "commander.version",
  "commander.executeSubCommandAsync",
]);

function buildProgram(context: Context): { program: Command; app: App } {
  const program = new Command("anaconda")
    .description("Log in to Anaconda and manage API keys, sites and conda tokens")
    .option("--at <site>", "the site name or domain to act on")
    .option("-v, --verbose", "print debug output and stack traces", false)
    .version(`anaconda-auth ${VERSION}`, "-V, --version", "show the version and exit")
    .helpOption("-h, --help", "show help and exit")
    .showSuggestionAfterError(true);
  const app = createApp(context, () => {
    const { at, verbose } = program.opts();
    return { verbose, ...(at === undefined ? {} : { at }) };
  });
  // Command groups register here (sites, auth, top-level login/logout/whoami).
  registerAuth(program, app);
  registerSites(program, app);
  registerTopLevel(program, app);
  applyToTree(program, context);
  return { program, app };
}

/** Every command writes through the context and throws instead of exiting. */
function applyToTree(
  command: Command<unknown[], Record<string, unknown>, Record<string, unknown>>,
  context: Context,
): void {
  command.exitOverride().configureHelp({ showGlobalOptions: true }).configureOutput({
    writeOut: (text) => context.stdout.write(text),
    writeErr: (text) => context.stderr.write(text),
  });
  for (const sub of command.commands) applyToTree(sub as typeof command, context);
}

/**
 * Runs the CLI with `argv` (without the program name) and returns the exit code. A
 * missing, expired or rejected login offers an interactive login and one re-run
 * (`recover: false` for that re-run).
 */
export async function run(
  argv: string[],
  context: Context,
  options: { recover?: boolean } = {},
): Promise<number> {
  const { program, app } = buildProgram(context);
  try {
    await program.parseAsync(argv, { from: "user" });
    return EXIT_OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      return SUCCESS_CODES.has(err.code) ? EXIT_OK : EXIT_USAGE;
    }
    if (options.recover !== false && needsLogin(err)) {
      const { recoverLogin } = await import("./recover_login.ts");
      return await recoverLogin(err, app, () => run(argv, context, { recover: false }));
    }
    return reportError(err, context.stderr, app.globals().verbose);
  }
}

/** Errors that a login can fix (SPEC §5.2). */
function needsLogin(err: unknown): boolean {
  return err instanceof TokenNotFoundError || err instanceof TokenExpiredError ||
    err instanceof LoginRequiredError;
}
