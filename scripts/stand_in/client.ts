/**
 * A JSON client for the tests of the stand-in service itself: one request, the status
 * and the parsed body (null when empty).
 * @module
 */

export async function callJson(
  url: string,
  method: string,
  options: { headers?: Record<string, string>; body?: unknown } = {},
): Promise<{ status: number; body: unknown }> {
  const hasBody = options.body !== undefined;
  const response = await fetch(url, {
    method,
    headers: { ...(hasBody ? { "Content-Type": "application/json" } : {}), ...options.headers },
    ...(hasBody ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text === "" ? null : JSON.parse(text) };
}
