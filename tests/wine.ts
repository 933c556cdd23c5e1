/**
 * Tests that Wine cannot run. `deno task test:windows --all` (scripts/wine_test.sh) runs
 * the suite with Deno for Windows under Wine and sets ANACONDA_TEST_WINE=1; a test that
 * needs what Wine lacks is skipped there only, with the reason in its name.
 * @module
 */

/** Whether the tests run under Wine. */
export const UNDER_WINE: boolean = Deno.env.get("ANACONDA_TEST_WINE") === "1";

/** `name` and `ignore` of a test that is skipped under Wine (and, as before, when `ignore`). */
export function unlessWine(
  name: string,
  reason: string,
  ignore = false,
): { name: string; ignore: boolean } {
  return UNDER_WINE ? { name: `${name} [skipped under Wine: ${reason}]`, ignore: true } : {
    name,
    ignore,
  };
}

/** Why tests that run Python are skipped under Wine. */
export const NO_PYTHON = "no Python for Windows is installed in Wine";

/** Why tests that run `openssl` are skipped under Wine. */
export const NO_OPENSSL = "no openssl for Windows is installed in Wine";

/** Why tests that run `bash` are skipped under Wine. */
export const NO_BASH = "no bash for Windows is installed in Wine";

/**
 * Why tests where one process replaces a file another has open are skipped under Wine:
 * Windows 10+ renames with POSIX semantics (FileRenameInfoEx), which Wine 8.0 refuses
 * (ERROR_INVALID_PARAMETER), and its fallback MoveFileEx cannot replace an open file.
 */
export const NO_POSIX_RENAME =
  "Wine 8.0 has no POSIX-semantics rename (FileRenameInfoEx), so a file another process " +
  "has open cannot be replaced";

/** Why tests that start many processes with piped stdin at once are skipped under Wine. */
export const CONCURRENT_STDIN =
  "under Wine 8.0, processes started at the same time with piped stdin never see the end " +
  "of their input (six `deno eval` readers of stdin hang; on Linux twelve finish at once)";

/** Why tests of symbolic links are skipped under Wine. */
export const NO_SYMLINKS =
  "Wine 8.0 has no symbolic links as Windows has them: the CLI does not see the link a test " +
  "makes as one";
