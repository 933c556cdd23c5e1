/**
 * Runs the helper program of an OS keyring (`secret-tool`, `/usr/bin/security`) with a
 * timeout and any secret on stdin only (A15). A program that is missing or may not run
 * makes the store unavailable (the caller falls back to the file keyring); one that
 * hangs is killed and reported.
 * @module
 */
import type { Context, SpawnResult } from "../context.ts";
import { SpawnTimeoutError } from "../context.ts";
import { StoreError } from "../cli/errors.ts";
import { StoreUnavailableError } from "./store.ts";

export interface KeyringToolOptions {
  /** The store, for messages: `macOS keychain`. */
  name: string;
  timeoutMs: number;
  stdin?: string | undefined;
  /** Why the store cannot be used when the program does not exist. */
  missing: string;
  /** Why the store cannot be used when the program may not be run. */
  notExecutable: string;
  /** What a program that does not answer may wait for: `an unlock prompt`. */
  waitingFor: string;
}

export async function runKeyringTool(
  context: Pick<Context, "spawn">,
  command: { program: string; args: string[] },
  options: KeyringToolOptions,
): Promise<SpawnResult> {
  try {
    return await context.spawn(command.program, command.args, {
      timeoutMs: options.timeoutMs,
      ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
    });
  } catch (err) {
    const unusable = err instanceof Deno.errors.NotFound
      ? options.missing
      : err instanceof Deno.errors.PermissionDenied
      ? options.notExecutable
      : undefined;
    if (unusable !== undefined) {
      throw new StoreUnavailableError(`the ${options.name} cannot be used: ${unusable}`, {
        cause: err,
      });
    }
    if (err instanceof SpawnTimeoutError) {
      throw new StoreError(
        `The ${options.name} did not answer within ${
          options.timeoutMs / 1000
        } s (is it waiting for ${options.waitingFor}?)`,
        { cause: err },
      );
    }
    throw err;
  }
}
