/**
 * The `anaconda auth` command group: a list of its verbs.
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import type { App } from "../app.ts";
import { registerApiKey } from "./api_key.ts";
import { registerLogin } from "./login.ts";
import { registerLogout } from "./logout.ts";
import { registerStatus } from "./status.ts";
import { registerWhoami } from "./whoami.ts";

/** Adds `anaconda auth` and its verbs to `program`. */
export function registerAuth(
  program: { addCommand(command: Command): unknown },
  app: App,
): Command {
  const group = new Command("auth")
    .description("Log in to an Anaconda site and manage its API key");
  registerLogin(group, app);
  registerApiKey(group, app);
  registerLogout(group, app);
  registerStatus(group, app);
  registerWhoami(group, app);
  program.addCommand(group);
  return group;
}
