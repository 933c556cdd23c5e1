import assert from "node:assert/strict";
import { defaultSiteConfig, type SiteConfig } from "../config/schema.ts";
import { VERSION } from "../version.ts";
import { exchangeForApiKey } from "./api_key.ts";
import type { Send } from "./http.ts";

const CONFIG: SiteConfig = {
  ...defaultSiteConfig("/home/test"),
  site: "example.test",
  domain: "example.test",
  auth_domain_override: "auth.example.test",
};

function recording(answer: (url: string) => Response | Error) {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  const send: Send = (url, init) => {
    calls.push({ url, init });
    const result = answer(url);
    return result instanceof Error ? Promise.reject(result) : Promise.resolve(result);
  };
  return { send, calls };
}

Deno.test("the first URL that answers 201 gives the API key", async () => {
  const { send, calls } = recording(() => Response.json({ api_key: "key-1" }, { status: 201 }));
  assert.equal(await exchangeForApiKey(send, CONFIG, { accessToken: "access-1" }), "key-1");
  assert.equal(calls.length, 1);
  assert.equal(calls[0]!.url, "https://auth.example.test/api/auth/api-keys");
  const headers = new Headers(calls[0]!.init?.headers);
  assert.equal(headers.get("Authorization"), "Bearer access-1");
  assert.deepEqual(JSON.parse(String(calls[0]!.init?.body)), {
    scopes: ["cloud:read", "cloud:write", "repo:read"],
    tags: [`anaconda-auth/v${VERSION}`],
  });
});

Deno.test("without a 201 from the auth domain the site's IAM URL is tried", async () => {
  const { send, calls } = recording((url) =>
    url.includes("/api/auth/")
      ? Response.json({ api_key: "not-this" }, { status: 200 })
      : Response.json({ api_key: "key-2" }, { status: 201 })
  );
  assert.equal(await exchangeForApiKey(send, CONFIG, { accessToken: "a" }), "key-2");
  assert.deepEqual(calls.map((call) => call.url), [
    "https://auth.example.test/api/auth/api-keys",
    "https://example.test/api/iam/api-keys",
  ]);
});

Deno.test("when neither URL gives a key the error names both", async () => {
  const { send } = recording((url) =>
    url.includes("/api/auth/") ? new Error("connection refused") : new Response("", { status: 404 })
  );
  await assert.rejects(
    () => exchangeForApiKey(send, CONFIG, { accessToken: "secret-access-token" }),
    {
      name: "AuthenticationError",
      message: "Error retrieving an API key: https://auth.example.test/api/auth/api-keys: " +
        "connection refused; https://example.test/api/iam/api-keys answered HTTP 404",
    },
  );
});

Deno.test("an api_key with control characters is not taken (it could not be sent, only stored)", async () => {
  const { send } = recording(() =>
    Response.json({ api_key: "key-9\r\nX-Injected: 1" }, { status: 201 })
  );
  await assert.rejects(() => exchangeForApiKey(send, CONFIG, { accessToken: "a" }), {
    name: "AuthenticationError",
    message: "Error retrieving an API key: https://auth.example.test/api/auth/api-keys answered " +
      "an api_key with spaces or control characters; https://example.test/api/iam/api-keys " +
      "answered an api_key with spaces or control characters",
  });
});
