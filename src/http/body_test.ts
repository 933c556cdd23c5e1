import assert from "node:assert/strict";
import { formatBytes, guardBody } from "./body.ts";

Deno.test("sizes are shown in binary units", () => {
  assert.equal(formatBytes(4 * 1024 * 1024), "4 MiB");
  assert.equal(formatBytes(1536), "1.5 KiB");
  assert.equal(formatBytes(100), "100 bytes");
});

function limits(maxBytes: number, events: string[]) {
  return {
    maxBytes,
    wait: <T>(read: Promise<T>) => read,
    tooLarge: () => new Error("too large"),
    failure: (err: unknown) => err,
    settled: () => void events.push("settled"),
  };
}

Deno.test("a body within the limit passes unchanged; one above it stops and cancels its source", async () => {
  const events: string[] = [];
  const small = guardBody(new Blob(["abcd"]).stream(), limits(4, events));
  assert.equal(await new Response(small).text(), "abcd");
  assert.deepEqual(events, ["settled"]);

  const big = new ReadableStream<Uint8Array>({
    pull: (controller) => controller.enqueue(new Uint8Array(3)),
    cancel: () => void events.push("source cancelled"),
  });
  await assert.rejects(new Response(guardBody(big, limits(4, events))).text(), /too large/);
  assert.deepEqual(events, ["settled", "settled", "source cancelled"]);
});
