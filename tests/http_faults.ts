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
