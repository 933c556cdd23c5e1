/**
 * The `.condarc` location options of `token set` and `token remove` (D51): the user's
 * `~/.condarc` unless `--system`, `--env` or `--file` says otherwise.
 * @module
 */
import { flag, value } from "../framework/args.ts";
import { UsageError } from "../framework/errors.ts";
import type { CondarcLocation } from "../../conda/condarc_file.ts";

export const LOCATION_OPTIONS = {
  system: flag("-s, --system", "write the base environment's .condarc"),
  env: flag("-e, --env", "write the active environment's .condarc ($CONDA_PREFIX)"),
  file: value("-f, --file <path>", "write this file (default: ~/.condarc)"),
};

/** The location the options name; more than one of them is a usage error. */
export function locationOf(
  input: { system?: boolean; env?: boolean; file?: string },
): CondarcLocation {
  const given = [input.system && "--system", input.env && "--env", input.file && "--file"]
    .filter(Boolean);
  if (input.file === "") throw new UsageError("option '-f, --file <path>' needs a path");
  if (given.length > 1) throw new UsageError(`${given.join(" and ")} cannot be used together`);
  if (input.system) return { kind: "system" };
  if (input.env) return { kind: "env" };
  if (input.file !== undefined) return { kind: "file", path: input.file };
  return { kind: "user" };
}
