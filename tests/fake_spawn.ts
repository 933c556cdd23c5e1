/**
 * A `spawn` for unit tests of the OS keyring stores: answers from a list, in order,
 * and records every call (program, arguments, stdin, timeout).
 * @module
 */
import type { Context, SpawnOptions, SpawnResult } from "../src/context.ts";

export interface SpawnCall {
  program: string;
  args: string[];
  options: SpawnOptions;
}

/** An error in `answers` is thrown by the spawn (e.g. `Deno.errors.NotFound`). */
export function fakeSpawn(
  answers: Array<SpawnResult | Error>,
): { spawn: Context["spawn"]; calls: SpawnCall[] } {
  const calls: SpawnCall[] = [];
  return {
    calls,
    spawn: (program, args, options) => {
      calls.push({ program, args, options });
      const answer = answers.shift();
      if (answer === undefined) return Promise.reject(new Error("unexpected spawn"));
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    },
  };
}
