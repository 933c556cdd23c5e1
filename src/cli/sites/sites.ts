/**
 * The `anaconda sites` command group: list, show, add, modify, remove.
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import type { App } from "../app.ts";
import { registerAdd } from "./add.ts";
import { registerList } from "./list.ts";
import { registerModify } from "./modify.ts";
import { registerRemove } from "./remove.ts";
import { registerShow } from "./show.ts";

/** Adds `anaconda sites` and its verbs to `program`. */
export function registerSites(
  program: { addCommand(command: Command): unknown },
  app: App,
): Command {
  const group = new Command("sites")
    .description("Manage your Anaconda site configuration");
  registerList(group, app);
  registerShow(group, app);
  registerAdd(group, app);
  registerModify(group, app);
  registerRemove(group, app);
  program.addCommand(group);
  return group;
}
