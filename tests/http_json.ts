/**
 * The JSON steps the tests take with the HTTP client, through its public API: send,
 * fail on a non-2xx status, read the JSON body. The type is the test's assertion, not
 * the client's promise.
 * @module
 */
import type { Client, RequestOptions } from "../src/http/client.ts";

/** GET `path` and its JSON body. */
export async function getJson<T = unknown>(
  client: Client,
  path: string,
  init: RequestOptions = {},
): Promise<T> {
  const response = await client.request(path, init);
  await client.raiseForStatus(response);
  return await client.readJson(response) as T;
}

/** POST `body` as JSON to `path` and the JSON answer. */
export async function postJson(client: Client, path: string, body: unknown): Promise<unknown> {
  const response = await client.request(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  await client.raiseForStatus(response);
  return await client.readJson(response);
}
