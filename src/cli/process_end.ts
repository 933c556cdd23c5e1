/**
 * How the `anaconda` process ends. Deno keeps V8's compiled code of a module in its code
 * cache, written in the event loop after the module was compiled; the next runs start
 * from it instead of compiling the CLI again. `Deno.exit()` before that loses it, and a
 * command that does its work synchronously (`auth api-key` reading the file keyring)
 * finishes before the event loop has turned once.
 *
 * Deno writes pending code caches in the event loop's module phase, which also settles
 * dynamic imports, after that writing (deno_core's `ModuleMap::poll_progress`). So such a
 * command imports an empty module (a data: URL: nothing to read), then exits with
 * `Deno.exit()`. Letting the event loop run empty instead would also wait for V8's
 * background compiler and tear the isolate down: about 0.05x the start-up of Deno
 * (README, "Performance").
 *
 * A command that used one of the context's asynchronous doors (stdin, fetch, programs,
 * sleep, Ctrl-C, the browser) exits at once, as before: a read of stdin that Ctrl-C cut
 * short, a child process or a connection could be pending, and its waits have turned the
 * event loop already, so the code cache is written.
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
 * otherwise once Deno has written the code cache of this run.
 */
export async function endProcess(code: number, usedAsyncDoor: boolean): Promise<void> {
  if (usedAsyncDoor) Deno.exit(code);
  Deno.exitCode = code;
  // Settled in the module phase of the event loop, after the code cache was written
  // (the bundle keeps data: imports as they are: scripts/bundle.ts).
  await import("data:text/javascript,");
  Deno.exit(code);
}
