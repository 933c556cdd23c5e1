/**
 * Misbehaving response bodies for the HTTP fault tests: one that never ends and one
 * that drips a byte at a time.
 * @module
 */

const encoder = new TextEncoder();

/** A JSON response that never ends: `{"user":"aaaa...` as fast as the client reads it. */
export function endlessJson(): Response {
  const chunk = encoder.encode("a".repeat(64 * 1024));
  let started = false;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.enqueue(started ? chunk : encoder.encode('{"user":"'));
      started = true;
    },
  });
  return new Response(body, { headers: { "Content-Type": "application/json" } });
}

/**
 * A JSON response that sends `{` at once, then a space every `intervalMs`, until the
 * client gives up or `closed` (the server shutting down) aborts.
 */
export function drippingJson(closed: AbortSignal, intervalMs = 100): Response {
  let timer: ReturnType<typeof setInterval> | undefined;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode("{"));
      timer = setInterval(() => controller.enqueue(encoder.encode(" ")), intervalMs);
      closed.addEventListener("abort", () => {
        if (timer === undefined) return;
        clearInterval(timer);
        controller.close();
      });
    },
    cancel() {
      clearInterval(timer);
      timer = undefined;
    },
  });
  return new Response(body, { headers: { "Content-Type": "application/json" } });
}

/** A server that accepts connections and never answers; `connections` counts them. */
export interface SilentServer extends AsyncDisposable {
  port: number;
  /** How many connections it has accepted so far. */
  readonly connections: number;
}

/** Starts a `SilentServer` on 127.0.0.1; disposing it closes the listener and the connections. */
export function silentServer(): SilentServer {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of listener) held.push(conn);
  })();
  return {
    port: (listener.addr as Deno.NetAddr).port,
    get connections() {
      return held.length;
    },
    async [Symbol.asyncDispose]() {
      listener.close();
      await accepting.catch(() => {});
      for (const conn of held) conn.close();
    },
  };
}
