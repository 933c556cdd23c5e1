/**
 * The `anaconda` executable: runs the command tree and exits with its code. `auth api-key`
 * first tries its fast path (src/cli/auth/api_key_fast_path.ts), which needs none of the
 * tree; every module is imported when its command line needs it.
 * @module
 */
import { endProcess, watchAsyncDoors } from "./src/cli/process_end.ts";
import { denoContext } from "./src/context.ts";

/** `anaconda auth api-key`, exactly: the command line of the fast path. */
function isApiKeyCommand(argv: readonly string[]): boolean {
  return argv.length === 2 && argv[0] === "auth" && argv[1] === "api-key";
}

async function main(argv: string[]): Promise<void> {
  // The command starts once this module's top level has paused at `await main()`: at a
  // throw (a file that does not exist is one), V8 works out the source positions of every
  // function on the stack, re-parsing those compiled without them, and in the bundle this
  // module's top level is the whole file (about 10 ms).
  await null;
  const context = denoContext();
  const usedAsyncDoor = watchAsyncDoors(context);
  if (isApiKeyCommand(argv)) {
    const { runApiKeyFastPath } = await import("./src/cli/auth/api_key_fast_path.ts");
    if (await runApiKeyFastPath(context)) return await endProcess(0, usedAsyncDoor());
  }
  const { run } = await import("./src/cli/root.ts");
  await endProcess(await run(argv, context), usedAsyncDoor());
}

if (import.meta.main) await main(Deno.args);
