/**
 * The `anaconda` executable: runs the command tree and exits with its code.
 * @module
 */
import { run } from "./src/cli/root.ts";
import { denoContext } from "./src/context.ts";

if (import.meta.main) {
  Deno.exit(await run(Deno.args, denoContext()));
}
