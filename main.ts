/**
 * The `anaconda` executable: runs the command tree and exits with its code.
 * @module
 */
import { run } from "./src/cli/root.ts";
import { endProcess, watchAsyncDoors } from "./src/cli/process_end.ts";
import { denoContext } from "./src/context.ts";

if (import.meta.main) {
  const context = denoContext();
  const usedAsyncDoor = watchAsyncDoors(context);
  endProcess(await run(Deno.args, context), usedAsyncDoor());
}
