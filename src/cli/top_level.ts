/**
 * The top-level `anaconda login`, `anaconda logout` and `anaconda whoami` (SPEC Part B
 * §5.3): with `--at` they act on that site; without it, when several sites are
 * configured, a terminal user picks the destination and a script must pass `--at`.
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import type { Context } from "../context.ts";
import type { App } from "./app.ts";
import { AbortError, UsageError } from "./errors.ts";
import { addLoginOptions, loginOptionsFrom, runLogin } from "./auth/login.ts";
import { runLogout } from "./auth/logout.ts";
import { addWhoamiOptions, runWhoami } from "./auth/whoami.ts";

/** Environment variables that already choose the site, so no picker is needed. */
const SITE_ENV = ["ANACONDA_AUTH_SITE", "ANACONDA_AUTH_DOMAIN", "ANACONDA_DEFAULT_SITE"];

/** One entry of the destination picker. */
export interface Destination {
  name: string;
  label: string;
}

/**
 * The configured sites in picker order: the default first, then `anaconda.com`, then
 * the rest in file order. Labels are `name`, ` (domain)` when it differs, ` [default]`.
 */
export function destinations(
  entries: { name: string; table: Record<string, unknown> }[],
  defaultName: string,
): Destination[] {
  const domainOf = (table: Record<string, unknown>) =>
    typeof table.domain === "string" ? table.domain : "anaconda.com";
  const ranked = entries.map((entry, index) => {
    const domain = domainOf(entry.table);
    const isDefault = entry.name === defaultName;
    const rank = isDefault ? 0 : entry.name === "anaconda.com" || domain === "anaconda.com" ? 1 : 2;
    const label = `${entry.name}${domain === entry.name ? "" : ` (${domain})`}${
      isDefault ? " [default]" : ""
    }`;
    return { name: entry.name, label, rank, index };
  });
  ranked.sort((a, b) => a.rank - b.rank || a.index - b.index);
  return ranked.map(({ name, label }) => ({ name, label }));
}

/** The destination picked on a terminal, per context: a login recovery and its re-run use it. */
const picked = new WeakMap<Context, string>();

/** The site the user picked in this process (see `chooseDestination`), if any. */
export function pickedDestination(context: Context): string | undefined {
  return picked.get(context);
}

/**
 * The site to act on: `--at`, else the one chosen in the environment or the only
 * configured site (undefined: the selected site), else the user's pick on a terminal
 * (asked once per context).
 */
export async function chooseDestination(app: App): Promise<string | undefined> {
  if (app.globals().at !== undefined) return undefined;
  const { context, prompter } = app;
  const earlier = picked.get(context);
  if (earlier !== undefined) return earlier;
  if (SITE_ENV.some((name) => context.env.get(name))) return undefined;
  const settings = await app.settings();
  const choices = destinations(settings.siteEntries, settings.defaultSiteName);
  if (choices.length <= 1) return undefined;
  if (!context.stdin.isTerminal) {
    throw new UsageError(
      `Several sites are configured (${choices.map((choice) => choice.name).join(", ")}): ` +
        "choose one with --at <site>",
    );
  }
  context.stderr.write(
    `choose destination:\n${
      choices.map((choice, index) => `  ${index + 1}. ${choice.label}\n`).join("")
    }`,
  );
  for (;;) {
    const answer = await prompter.ask(`Enter a number [1]: `);
    if (answer === null) throw new AbortError("No destination chosen: pass --at <site>");
    const number = answer.trim() === "" ? 1 : Number(answer.trim());
    const choice = Number.isInteger(number) ? choices[number - 1] : undefined;
    if (choice) {
      picked.set(context, choice.name);
      return choice.name;
    }
    context.stderr.write(`Please enter a number from 1 to ${choices.length}\n`);
  }
}

/** Adds `anaconda login`, `anaconda logout` and `anaconda whoami` to `program`. */
export function registerTopLevel(program: { addCommand(command: Command): unknown }, app: App) {
  const login = addLoginOptions(
    new Command("login").description("Log in to an Anaconda site (picks one without --at)"),
  ).action(async (_options, command) => {
    const at = await chooseDestination(app);
    await runLogin({ ...loginOptionsFrom(command.opts()), ...(at ? { at } : {}) }, app);
  });
  const logout = new Command("logout")
    .description("Remove the stored API key of a site (picks one without --at)")
    .action(async () => {
      const at = await chooseDestination(app);
      await runLogout(at ? { at } : {}, app);
    });
  const whoami = addWhoamiOptions(
    new Command("whoami").description(
      "Show the logged-in user's account (picks a site without --at)",
    ),
  ).action(async () => {
    const at = await chooseDestination(app);
    await runWhoami(at ? { at } : {}, app);
  });
  for (const command of [login, logout, whoami]) program.addCommand(command as Command);
}
