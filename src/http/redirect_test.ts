import assert from "node:assert/strict";
import { followRedirects, type Hop } from "./redirect.ts";

function redirect(status: number, location: string): Response {
  return new Response(null, { status, headers: { Location: location } });
}

/** A `SendOnce` that answers from `routes` by URL and records each hop. */
function routes(table: Record<string, () => Response>) {
  const hops: Hop[] = [];
  const send = (hop: Hop) => {
    hops.push(hop);
    const answer = table[hop.url];
    return Promise.resolve(answer ? answer() : new Response("end"));
  };
  return { hops, send };
}

function first(overrides: Partial<Hop> = {}): Hop {
  return {
    url: "https://a.test/start",
    method: "GET",
    headers: new Headers({ Authorization: "Bearer k" }),
    body: null,
    ...overrides,
  };
}

Deno.test("301/302 after POST and 303 become GET without body; 307/308 keep method and body", async () => {
  for (
    const [status, method, body] of [[301, "GET", null], [302, "GET", null], [303, "GET", null], [
      307,
      "POST",
      "x",
    ], [308, "POST", "x"]] as const
  ) {
    const { hops, send } = routes({ "https://a.test/start": () => redirect(status, "/next") });
    const headers = new Headers({ "Content-Type": "text/plain" });
    await followRedirects(first({ method: "POST", body: "x", headers }), send);
    assert.equal(hops[1]?.url, "https://a.test/next");
    assert.equal(hops[1]?.method, method, `HTTP ${status}`);
    assert.equal(hops[1]?.body, body, `HTTP ${status}`);
    assert.equal(hops[1]?.headers.has("Content-Type"), body !== null, `HTTP ${status}`);
  }
});

Deno.test("the Authorization header goes to the same origin only", async () => {
  const { hops, send } = routes({
    "https://a.test/start": () => redirect(302, "/same"),
    "https://a.test/same": () => redirect(302, "https://b.test/other"),
  });
  const { hop } = await followRedirects(first(), send);
  assert.equal(hop.url, "https://b.test/other");
  assert.deepEqual(hops.map((each) => each.headers.get("Authorization")), [
    "Bearer k",
    "Bearer k",
    null,
  ]);
});

Deno.test("more than 20 redirects, a non-http target and mode error are refused; manual returns the redirect", async () => {
  const loop = routes({ "https://a.test/start?token=s3cret": () => redirect(302, "") });
  await assert.rejects(
    followRedirects(first({ url: "https://a.test/start?token=s3cret" }), loop.send),
    {
      name: "UnexpectedResponseError",
      message: "Response from https://a.test/start?token=REDACTED redirected more than 20 times",
    },
  );
  assert.equal(loop.hops.length, 21);
  const ftp = routes({ "https://a.test/start": () => redirect(302, "ftp://a.test/x") });
  await assert.rejects(followRedirects(first(), ftp.send), {
    message: "Response from https://a.test/start redirects to a URL that is not http(s)",
  });
  const once = routes({ "https://a.test/start": () => redirect(302, "/x") });
  await assert.rejects(followRedirects(first(), once.send, "error"), /does not follow redirects/);
  const manual = await followRedirects(first(), once.send, "manual");
  assert.equal(manual.response.status, 302);
});
