/**
 * Runs the helper program of an OS keyring (`secret-tool`, `/usr/bin/security`) with a timeout
 * and any secret on stdin only (D19). A program that is missing or may not run makes the store
 * unavailable (the caller falls back to the file keyring); one that hangs is killed and
 * reported.
 * @module
 */
import type { Context, SpawnResult } from "../context.ts";
import { SpawnTimeoutError } from "../context.ts";
import { StoreError } from "../errors.ts";
import { KEYRING_TIMEOUT_MS, StoreUnavailableError } from "./secret_store.ts";

/** What a keyring helper program is and how its failures are described. */
export interface KeyringToolOptions {
  program: string;
  /** The store, for messages: `macOS keychain`. */
  name: string;
  /** Defaults to `KEYRING_TIMEOUT_MS`. */
  timeoutMs?: number;
  /** Why the store cannot be used when the program does not exist. */
  missing: string;
  /** Why the store cannot be used when the program may not be run. */
  notExecutable: string;
  /** What a program that does not answer may wait for: `an unlock prompt`. */
  waitingFor: string;
}

/** One OS keyring's helper program, run with a timeout and secrets on stdin only. */
export class KeyringTool {
  #context: Pick<Context, "spawn">;
  #options: KeyringToolOptions;
  #timeoutMs: number;

  constructor(context: Pick<Context, "spawn">, options: KeyringToolOptions) {
    this.#context = context;
    this.#options = options;
    this.#timeoutMs = options.timeoutMs ?? KEYRING_TIMEOUT_MS;
  }

  async run(args: string[], stdin?: string): Promise<SpawnResult> {
    const options = this.#options;
    try {
      return await this.#context.spawn(options.program, args, {
        timeoutMs: this.#timeoutMs,
        ...(stdin === undefined ? {} : { stdin }),
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
            this.#timeoutMs / 1000
          } s (is it waiting for ${options.waitingFor}?)`,
          { cause: err },
        );
      }
      throw err;
    }
  }
}
