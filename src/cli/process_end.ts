/**
 * How the `anaconda` process ends. Deno keeps V8's compiled code of a module in its code
 * cache, written on a turn of the event loop after the module was compiled; the next
 * runs start from it instead of compiling the CLI again. `Deno.exit()` before that turn
 * loses it, and a command that does its work synchronously (`auth api-key` reading the
 * file keyring) never turns the loop. So such a command ends by letting the event loop
 * run empty, with `Deno.exitCode` set.
 *
 * That is only safe when nothing is left pending: a read of stdin that Ctrl-C cut short,
 * a child process or a connection would keep the process alive. Those go through the
 * context's asynchronous doors (stdin, fetch, programs, sleep, Ctrl-C, the browser), so
 * a command that used one exits at once, as before (its waits have turned the event loop
 * already, so the code cache is written anyway).
 * @module
 */
import type { Context } from "../context.ts";

/** The members of `Context` through which asynchronous work starts. */
export const ASYNC_DOORS = ["stdin", "fetch", "spawn", "openBrowser", "onInterrupt"] as const;
/** The members of `Context["clock"]` that start asynchronous work. */
export const ASYNC_CLOCK_DOORS = ["sleep"] as const;

/**
 * Watches `context`'s asynchronous doors; the returned function tells whether any was
 * used (taken: a door counts as used once read, e.g. to be handed to an HTTP client).
 */
export function watchAsyncDoors(context: Context): () => boolean {
  let used = false;
  const watch = <T extends object>(target: T, key: keyof T & string) => {
    const descriptor = Object.getOwnPropertyDescriptor(target, key);
    if (descriptor === undefined) return;
    Object.defineProperty(target, key, {
      configurable: true,
      enumerable: true,
      get() {
        used = true;
        // The real member from now on (the `stdin` getter then replaces itself).
        Object.defineProperty(target, key, descriptor);
        return target[key];
      },
      set(value) {
        Object.defineProperty(target, key, { configurable: true, writable: true, value });
      },
    });
  };
  for (const door of ASYNC_DOORS) watch(context, door);
  context.clock = { ...context.clock };
  for (const door of ASYNC_CLOCK_DOORS) watch(context.clock, door);
  return () => used;
}

/**
 * Ends the process with `code`: at once when the command used an asynchronous door,
 * otherwise when the event loop has run empty (after Deno wrote the code cache).
 */
export function endProcess(code: number, usedAsyncDoor: boolean): void {
  if (usedAsyncDoor) Deno.exit(code);
  Deno.exitCode = code;
}
