/**
 * The `anaconda` executable: runs the command tree and exits with its code. `--version`
 * and `auth api-key` (in its common case, src/cli/auth/api_key_fast_path.ts) need none of
 * the tree; every module is imported when its command line needs it.
 * @module
 */
import { endProcess, watchAsyncDoors } from "./src/cli/process_end.ts";
import { denoContext } from "./src/context.ts";

/** `anaconda --version`, exactly: prints the version, and reads nothing else. */
function isVersionCommand(argv: readonly string[]): boolean {
  return argv.length === 1 && argv[0] === "--version";
}

/** `anaconda auth api-key`, exactly: the command line of its fast path. */
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
  if (isVersionCommand(argv)) {
    const { versionLine } = await import("./src/version.ts");
    context.stdout.write(versionLine());
    return endProcess(0, false);
  }
  if (isApiKeyCommand(argv)) {
    const { runApiKeyFastPath } = await import("./src/cli/auth/api_key_fast_path.ts");
    if (await runApiKeyFastPath(context)) return endProcess(0, false);
  }
  const usedAsyncDoor = watchAsyncDoors(context);
  const { run } = await import("./src/cli/root.ts");
  endProcess(await run(argv, context), usedAsyncDoor());
}

if (import.meta.main) await main(Deno.args);
