import assert from "node:assert/strict";
import { getJson } from "../../tests/http_json.ts";
import { Client } from "./client.ts";
import { defaultSiteConfig, type SiteConfig } from "../config/schema.ts";
import { fakeContext } from "../../tests/fake_context.ts";

function siteConfig(overrides: Partial<SiteConfig> = {}): SiteConfig {
  return { site: "test", ...defaultSiteConfig("/nonexistent-home"), ...overrides };
}

function fetchError(message: string): Error {
  return new TypeError("fetch failed", {
    cause: new Error(`error sending request for url (https://a.test/x): ${message}`),
  });
}

Deno.test("network errors from the context's fetch become NetworkError with the URL", async () => {
  const context = fakeContext({
    fetch: () =>
      Promise.reject(
        fetchError("client error (Connect): tcp connect error: Connection refused (os error 111)"),
      ),
  });
  const client = new Client({ context, config: siteConfig({ domain: "a.test" }) });
  await assert.rejects(client.request("/api/account?client_token=xyz"), {
    name: "NetworkError",
    message:
      "Request to https://a.test/api/account?client_token=REDACTED failed: connection refused",
  });
});

Deno.test("the Bearer source is asked once per client and can be replaced", async () => {
  let asked = 0;
  const seen: (string | null)[] = [];
  const context = fakeContext({
    fetch: (_url, init) => {
      seen.push(new Headers(init?.headers).get("Authorization"));
      return Promise.resolve(
        new Response("{}", { headers: { "Content-Type": "application/json" } }),
      );
    },
  });
  const client = new Client({
    context,
    config: siteConfig(),
    apiKey: () => {
      asked++;
      return Promise.resolve("k-1234");
    },
  });
  await getJson(client, "/a");
  await getJson(client, "/b");
  await getJson(client, "/c", { auth: false });
  assert.equal(asked, 1);
  assert.deepEqual(seen, ["Bearer k-1234", "Bearer k-1234", null]);
});

/** A context whose fetch answers every request with `answer()` and records what was sent. */
function answering(answer: (url: string) => Response) {
  const sent: { url: string; authorization: string | null }[] = [];
  const context = fakeContext({
    fetch: (url, init) => {
      sent.push({
        url: String(url),
        authorization: new Headers(init?.headers).get("Authorization"),
      });
      return Promise.resolve(answer(String(url)));
    },
  });
  return { context, sent };
}

Deno.test("an API key given as a string is sent as Bearer; without one no Authorization goes", async () => {
  const { context, sent } = answering(() => Response.json({}));
  const withKey = new Client({ context, config: siteConfig(), apiKey: "k-5678" });
  await getJson(withKey, "/a");
  await getJson(new Client({ context, config: siteConfig() }), "/b");
  assert.deepEqual(sent.map((request) => request.authorization), ["Bearer k-5678", null]);
});

Deno.test("account() is /api/account with the site's domain added", async () => {
  const { context, sent } = answering(() =>
    Response.json({ user: { username: "jane" }, subscriptions: [], domain: "other" })
  );
  const client = new Client({ context, config: siteConfig({ domain: "a.test" }), apiKey: "k" });
  assert.deepEqual(await client.account(), {
    user: { username: "jane" },
    subscriptions: [],
    domain: "a.test",
  });
  assert.equal(sent[0]?.url, "https://a.test/api/account");
});

Deno.test("account() without an API key falls back to the anonymous account on an HTTP error", async () => {
  const { context } = answering(() =>
    Response.json({ error: { code: "auth_required" } }, {
      status: 401,
    })
  );
  const anonymous = new Client({ context, config: siteConfig({ domain: "a.test" }) });
  assert.deepEqual(await anonymous.account(), {
    user: { id: null, email: null, username: "", first_name: "", last_name: "" },
    profile: { is_confirmed: false, is_disabled: false, is_consented: false },
    subscriptions: [],
    domain: "a.test",
  });
  const withKey = new Client({ context, config: siteConfig({ domain: "a.test" }), apiKey: "k" });
  await assert.rejects(withKey.account(), { name: "InvalidAuthentication" });
});

Deno.test("a body larger than maxResponseBytes stops with an error naming the URL and the limit", async () => {
  let pulled = 0;
  const { context } = answering(() =>
    new Response(
      new ReadableStream<Uint8Array>({
        pull(controller) {
          pulled++;
          controller.enqueue(new Uint8Array(256));
        },
      }),
    )
  );
  const client = new Client({ context, config: siteConfig(), maxResponseBytes: 1024 });
  const response = await client.request("/big");
  await assert.rejects(response.text(), {
    name: "UnexpectedResponseError",
    message: "Response from https://anaconda.com/big is larger than 1 KiB",
  });
  // Reading stopped at the limit: 4 chunks of 256 bytes fit, the fifth is one too many.
  assert.ok(pulled <= 7, `pulled ${pulled} chunks`);
});

Deno.test("a body that is not complete within the timeout fails with a timeout", async () => {
  const { context } = answering(() =>
    new Response(new ReadableStream<Uint8Array>({ start: (c) => c.enqueue(new Uint8Array(1)) }))
  );
  const client = new Client({ context, config: siteConfig({ timeout: 0.05 }) });
  const response = await client.request("/drip");
  await assert.rejects(response.text(), {
    name: "NetworkError",
    message: "Request to https://anaconda.com/drip failed: the response did not finish within " +
      "0.05 s (timeout)",
  });
});

Deno.test("an error page above the size limit still gives the HTTP status error", async () => {
  const { context } = answering(() =>
    new Response(
      new ReadableStream<Uint8Array>({
        pull: (controller) => controller.enqueue(new Uint8Array(512)),
      }),
      { status: 500 },
    )
  );
  const client = new Client({ context, config: siteConfig(), maxResponseBytes: 1024 });
  await assert.rejects(getJson(client, "/boom"), {
    name: "HTTPError",
    message: "500 Server Error: Internal Server Error for url: https://anaconda.com/boom",
  });
});
