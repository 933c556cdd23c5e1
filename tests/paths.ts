/**
 * Paths in the tests' expectations, right on every OS: the code joins paths with the
 * platform's separator (`\` on Windows).
 * @module
 */
export { joinPath } from "../src/path.ts";

/** A regular expression source that matches `text` as it is. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** A regular expression source for one path separator of any OS. */
export const SEP = "[\\\\/]";

/** The label of the file keyring at its default place, as the tools print it. */
export const FILE_KEYRING_LABEL: string = Deno.build.os === "windows"
  ? "file keyring ~\\.anaconda\\keyring"
  : "file keyring ~/.anaconda/keyring";
