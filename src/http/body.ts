/**
 * Bounded response bodies (DESIGN: every read has a bound). The client hands out only
 * guarded bodies: at most `maxBytes` are read, and a read that outlives the request's
 * deadline (or the caller's abort) stops, so `response.text()` on them can neither grow
 * without limit nor wait forever.
 * @module
 */

/** The default largest body: API answers are small JSON documents. */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/** `4194304` -> `4 MiB`, `1536` -> `1.5 KiB`, `100` -> `100 bytes` */
export function formatBytes(bytes: number): string {
  for (const [unit, size] of [["GiB", 2 ** 30], ["MiB", 2 ** 20], ["KiB", 2 ** 10]] as const) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit}`;
  }
  return `${bytes} bytes`;
}

export interface BodyLimits {
  maxBytes: number;
  /** Waits for one read, failing when the request's time is up or the caller aborts. */
  wait<T>(read: Promise<T>): Promise<T>;
  /** The error when the body is larger than `maxBytes`. */
  tooLarge(): Error;
  /** What a failed read becomes (a timeout, a network error, the caller's reason). */
  failure(err: unknown): unknown;
  /** Called once, when the body has been read, has failed or was cancelled. */
  settled(): void;
}

/** `body` read chunk by chunk within `limits`; the source is cancelled when a limit is hit. */
export function guardBody(
  body: ReadableStream<Uint8Array>,
  limits: BodyLimits,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let received = 0;
  let open = true;
  const settle = () => {
    if (open) limits.settled();
    open = false;
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const chunk = await limits.wait(reader.read());
        if (chunk.done) {
          settle();
          controller.close();
          return;
        }
        received += chunk.value.byteLength;
        if (received > limits.maxBytes) throw limits.tooLarge();
        controller.enqueue(chunk.value);
      } catch (err) {
        settle();
        reader.cancel().catch(() => {});
        controller.error(limits.failure(err));
      }
    },
    async cancel(reason) {
      settle();
      await reader.cancel(reason).catch(() => {});
    },
  }, { highWaterMark: 0 });
}
