/**
 * The `anaconda` command tree and the one place that runs a command line: parse,
 * show help or the version, or run the command; map any error to a message and an
 * exit code. Commands are loaded only when argv names them.
 * @module
 */
import type { Context } from "../context.ts";
import { LoginRequiredError, TokenExpiredError, TokenNotFoundError } from "../errors.ts";
import { versionLine } from "../version.ts";
import { checkAt, createApp } from "./framework/app.ts";
import { type GlobalValues, group, parseArgv } from "./framework/args.ts";
import { EXIT_OK, EXIT_USAGE, reportError, UsageError } from "./framework/errors.ts";
import { noticeText } from "./framework/output.ts";

/** The root of the command tree. */
export const ROOT = group({
  name: "anaconda",
  description: "Log in to Anaconda and manage API keys, sites and conda tokens",
  // With their summaries: `anaconda --help` then loads none of them.
  commands: [
    {
      name: "auth",
      summary: "Log in to an Anaconda site and manage its API key",
      load: async () => (await import("./auth/auth.ts")).command,
    },
    {
      name: "cloud",
      hidden: true,
      load: async () => ({ ...(await import("./auth/auth.ts")).command, name: "cloud" }),
    },
    {
      name: "sites",
      summary: "Manage your Anaconda site configuration",
      load: async () => (await import("./sites/sites.ts")).command,
    },
    {
      name: "token",
      summary: "Manage your Anaconda repo tokens and conda's configuration for them",
      load: async () => (await import("./token/token.ts")).command,
    },
    {
      name: "login",
      summary: "Log in to an Anaconda site or anaconda.org (asks which one without --at)",
      load: async () => (await import("./top_level.ts")).login,
    },
    {
      name: "logout",
      summary: "Log out of an Anaconda site or anaconda.org (asks which one without --at)",
      load: async () => (await import("./top_level.ts")).logout,
    },
    {
      name: "whoami",
      summary:
        "Show your account on an Anaconda site or anaconda.org (asks which one without --at)",
      load: async () => (await import("./top_level.ts")).whoami,
    },
    {
      name: "completions",
      summary: "Print a shell completion script for bash, zsh or fish",
      load: async () => (await import("./completions.ts")).command,
    },
  ],
  examples: [
    "anaconda login --at anaconda.com",
    "anaconda auth status",
    "anaconda sites add --domain anaconda.example.com --name work --yes",
  ],
});

/**
 * Runs the CLI with `argv` (without the program name) and returns the exit code. A
 * missing, expired or rejected login offers an interactive login and one re-run
 * (`recover: false` for that re-run, `picked`: the destination picked before it).
 */
export async function run(
  argv: string[],
  context: Context,
  options: { recover?: boolean; picked?: string } = {},
): Promise<number> {
  let globals: GlobalValues = {};
  // The CLI shows every notice of the core on stderr (a library user chooses its own).
  context.notify = (notice) => context.stderr.write(noticeText(notice));
  const app = createApp(context, () => ({
    verbose: (globals.verbose || globals.showTraceback) ?? false,
    ...(globals.at === undefined ? {} : { at: globals.at }),
    ...(globals.token === undefined ? {} : { orgToken: globals.token }),
    ...(globals.site === undefined ? {} : { orgSite: globals.site }),
  }), options.picked);
  let path = [ROOT.name];
  if (argv[0] === "__complete") {
    // Hidden: called by the completion scripts on every Tab; never fails loudly.
    const { completionCandidates } = await import("./framework/complete.ts");
    try {
      const candidates = await completionCandidates(ROOT, argv.slice(1), app);
      context.stdout.write(candidates.map((candidate) => `${candidate}\n`).join(""));
    } catch { /* nothing to offer */ }
    return EXIT_OK;
  }
  try {
    const parsed = await parseArgv(argv, ROOT);
    globals = parsed.globals;
    if (parsed.kind === "version") {
      context.stdout.write(versionLine());
      return EXIT_OK;
    }
    path = parsed.path;
    if (parsed.kind === "help") {
      const { renderHelp } = await import("./framework/help.ts");
      const text = await renderHelp(parsed.command, parsed.path, context.stdout.columns?.());
      // Asked for, or a group without its subcommand (`anaconda`): the help is the output
      // either way; the latter exits 2, as the Python tool (click's no_args_is_help) does.
      context.stdout.write(text);
      return parsed.asked ? EXIT_OK : EXIT_USAGE;
    }
    if (parsed.globals.at !== undefined) {
      await checkAt(app, parsed.globals.at, parsed.command.otherDestinations ?? []);
    }
    await parsed.command.run(parsed.input, app);
    return EXIT_OK;
  } catch (err) {
    if (err instanceof UsageError) err.commandPath ??= path;
    if (options.recover !== false && needsLogin(err)) {
      const { recoverLogin } = await import("./recover_login.ts");
      const rerun = () =>
        run(argv, context, {
          recover: false,
          ...(app.picked === undefined ? {} : { picked: app.picked }),
        });
      return await recoverLogin(err, app, rerun);
    }
    return reportError(err, context.stderr, app.globals().verbose);
  }
}

/** Errors that a login can fix (docs/behaviour.md, "Errors and exit codes", Login required). */
function needsLogin(err: unknown): boolean {
  return err instanceof TokenNotFoundError || err instanceof TokenExpiredError ||
    err instanceof LoginRequiredError;
}
