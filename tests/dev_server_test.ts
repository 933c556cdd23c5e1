/**
 * The stand-in Anaconda service (scripts/stand_in/) behaves like the OAuth and API
 * endpoints the CLI talks to, so that login tests exercise real protocol steps.
 */
import assert from "node:assert/strict";
import {
  type DevServer,
  type DevServerOptions,
  MAX_BODY_BYTES,
  startDevServer,
} from "../scripts/stand_in/server.ts";
import { fileURLToPath } from "node:url";

const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
const DEV_SERVER = fileURLToPath(new URL("../scripts/dev-server.ts", import.meta.url));

async function withServer(
  options: DevServerOptions,
  action: (server: DevServer) => Promise<void>,
): Promise<void> {
  const server = await startDevServer({ http: true, ...options });
  try {
    await action(server);
  } finally {
    await server.close();
  }
}

async function post(
  server: DevServer,
  path: string,
  fields: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${server.url}${path}`, {
    method: "POST",
    body: new URLSearchParams(fields),
  });
  return { status: response.status, body: await response.json() };
}

async function startDevice(server: DevServer) {
  const { status, body } = await post(server, "/api/auth/oauth2/device/authorize", {
    client_id: "cli",
    scope: "openid",
  });
  assert.equal(status, 200);
  return body as {
    device_code: string;
    user_code: string;
    verification_uri: string;
    verification_uri_complete?: string;
    interval: number;
    expires_in: number;
  };
}

function poll(server: DevServer, deviceCode: string) {
  return post(server, "/api/auth/oauth2/token", {
    grant_type: DEVICE_GRANT,
    device_code: deviceCode,
    client_id: "cli",
  });
}

async function base64UrlSha256(text: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)),
  );
  return btoa(String.fromCharCode(...digest)).replaceAll("+", "-").replaceAll("/", "_")
    .replace(/=+$/, "");
}

Deno.test("discovery lists the endpoints, and can leave the device endpoint out", async () => {
  await withServer({}, async (server) => {
    const config = await (await fetch(`${server.url}/.well-known/openid-configuration`)).json();
    assert.equal(config.issuer, server.url);
    assert.equal(config.authorization_endpoint, `${server.url}/authorize`);
    assert.equal(config.token_endpoint, `${server.url}/api/auth/oauth2/token`);
    assert.equal(
      config.device_authorization_endpoint,
      `${server.url}/api/auth/oauth2/device/authorize`,
    );
  });
  await withServer({ noDeviceEndpoint: true }, async (server) => {
    const config = await (await fetch(`${server.url}/.well-known/openid-configuration`)).json();
    assert.equal("device_authorization_endpoint" in config, false);
  });
});

Deno.test("device flow: pending, slow_down, approval, then the code is used up", async () => {
  await withServer({ slowDowns: 2, interval: 1 }, async (server) => {
    const device = await startDevice(server);
    assert.match(device.user_code, /^[A-Z]{4}-[A-Z]{4}$/);
    assert.equal(device.verification_uri, `${server.url}/device`);
    assert.equal(
      device.verification_uri_complete,
      `${server.url}/device?user_code=${device.user_code}`,
    );
    assert.equal(device.interval, 1);
    assert.equal(await server.waitForUserCode(), device.user_code);

    assert.deepEqual((await poll(server, device.device_code)).body, { error: "slow_down" });
    assert.deepEqual((await poll(server, device.device_code)).body, { error: "slow_down" });
    const pending = await poll(server, device.device_code);
    assert.deepEqual(pending, { status: 400, body: { error: "authorization_pending" } });

    const approved = await post(server, `/dev/approve?user_code=${device.user_code}`, {});
    assert.deepEqual(approved.body, { user_code: device.user_code, status: "approved" });
    const tokens = await poll(server, device.device_code);
    assert.equal(tokens.status, 200);
    assert.equal(tokens.body.token_type, "Bearer");
    assert.equal(typeof tokens.body.access_token, "string");

    const again = await poll(server, device.device_code);
    assert.equal(again.body.error, "invalid_grant");
  });
});

Deno.test("device flow: denied and expired codes", async () => {
  let now = Date.now();
  await withServer({ now: () => now, deviceExpiresIn: 60 }, async (server) => {
    const denied = await startDevice(server);
    server.deny(denied.user_code);
    assert.deepEqual((await poll(server, denied.device_code)).body, { error: "access_denied" });

    const late = await startDevice(server);
    now += 61_000;
    assert.deepEqual((await poll(server, late.device_code)).body, { error: "expired_token" });
  });
});

Deno.test("device flow: opening the verification page approves it with on-visit", async () => {
  await withServer(
    { deviceApproval: "on-visit", noVerificationUriComplete: true },
    async (server) => {
      const device = await startDevice(server);
      assert.equal(device.verification_uri_complete, undefined);
      const page = await fetch(`${server.url}/device?user_code=${device.user_code}`);
      assert.match(await page.text(), /approved/);
      assert.equal((await poll(server, device.device_code)).status, 200);
    },
  );
});

Deno.test("authorization code flow checks the PKCE verifier against the challenge", async () => {
  await withServer({ issParameter: true }, async (server) => {
    const verifier = "v".repeat(43) + "-._~" + "x".repeat(81);
    const redirectUri = "http://127.0.0.1:8000/auth/oidc";
    const authorize = async () => {
      const query = new URLSearchParams({
        client_id: "cli",
        response_type: "code",
        scope: "openid",
        state: "state-1",
        redirect_uri: redirectUri,
        code_challenge: await base64UrlSha256(verifier),
        code_challenge_method: "S256",
      });
      const response = await fetch(`${server.url}/authorize?${query}`, { redirect: "manual" });
      assert.equal(response.status, 302);
      const location = new URL(response.headers.get("location") ?? "");
      assert.equal(`${location.origin}${location.pathname}`, redirectUri);
      assert.equal(location.searchParams.get("state"), "state-1");
      assert.equal(location.searchParams.get("iss"), server.url);
      return location.searchParams.get("code") ?? "";
    };
    const exchange = (code: string, codeVerifier: string) =>
      post(server, "/api/auth/oauth2/token", {
        grant_type: "authorization_code",
        client_id: "cli",
        code,
        redirect_uri: redirectUri,
        code_verifier: codeVerifier,
      });

    const wrong = await exchange(await authorize(), "w".repeat(128));
    assert.deepEqual(wrong, {
      status: 400,
      body: { error: "invalid_grant", error_description: "PKCE verification failed" },
    });
    const code = await authorize();
    const good = await exchange(code, verifier);
    assert.equal(good.status, 200);
    assert.equal(typeof good.body.access_token, "string");
    assert.equal((await exchange(code, verifier)).body.error, "invalid_grant", "code reused");
  });
});

Deno.test("API keys need an access token; the first URL can be made to fail", async () => {
  await withServer(
    { deviceApproval: "immediate", apiKeyFailures: { auth: 500 } },
    async (server) => {
      const device = await startDevice(server);
      const { body } = await poll(server, device.device_code);
      const accessToken = String(body.access_token);
      const issue = (path: string, bearer?: string) =>
        fetch(`${server.url}${path}`, {
          method: "POST",
          headers: {
            "Content-Type": "application/json",
            ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}),
          },
          body: JSON.stringify({ scopes: ["cloud:read"], tags: ["anaconda-auth/v0.1.0"] }),
        });

      const failing = await issue("/api/auth/api-keys", accessToken);
      assert.equal(failing.status, 500);
      await failing.body?.cancel();
      const anonymous = await issue("/api/iam/api-keys");
      assert.equal(anonymous.status, 401);
      assert.deepEqual((await anonymous.json()).error.code, "auth_required");

      const created = await issue("/api/iam/api-keys", accessToken);
      assert.equal(created.status, 201);
      const apiKey = (await created.json()).api_key as string;
      const [, payload] = apiKey.split(".");
      const claims = JSON.parse(atob((payload ?? "").replaceAll("-", "+").replaceAll("_", "/")));
      assert.equal(claims.username, "jane");
      assert.ok(claims.exp * 1000 > Date.now() + 300 * 24 * 3600 * 1000);
      assert.deepEqual(server.requests.at(-1)?.json, {
        scopes: ["cloud:read"],
        tags: ["anaconda-auth/v0.1.0"],
      });

      const account = await fetch(`${server.url}/api/account`, {
        headers: { Authorization: `Bearer ${apiKey}` },
      });
      assert.equal((await account.json()).user.email, "jane.doe@example.com");
      const withAccessToken = await fetch(`${server.url}/api/account`, {
        headers: { Authorization: `Bearer ${accessToken}` },
      });
      assert.equal(withAccessToken.status, 401, "an access token is not an API key");
      await withAccessToken.body?.cancel();
    },
  );
});

Deno.test("expired or foreign API keys get auth_required at /api/account", async () => {
  await withServer({}, async (server) => {
    for (const key of [await server.issueApiKey({ expiresIn: -1 }), "a.b.c", "junk"]) {
      const response = await fetch(`${server.url}/api/account`, {
        headers: { Authorization: `Bearer ${key}` },
      });
      assert.equal(response.status, 401);
      assert.deepEqual(await response.json(), {
        error: { code: "auth_required", message: "Authentication required" },
      });
    }
    server.acceptApiKey("junk");
    const accepted = await fetch(`${server.url}/api/account`, {
      headers: { Authorization: "Bearer junk" },
    });
    assert.equal(accepted.status, 200);
    await accepted.body?.cancel();
  });
});

Deno.test("a request body over the cap gets 413 and is not kept; the server goes on", async () => {
  await withServer({}, async (server) => {
    const huge = await fetch(`${server.url}/api/auth/oauth2/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "a=" + "x".repeat(MAX_BODY_BYTES),
    });
    assert.equal(huge.status, 413);
    assert.equal((await huge.json()).error.code, "payload_too_large");
    assert.equal(server.requests.at(-1)?.body, "");
    const next = await startDevice(server);
    assert.equal(typeof next.device_code, "string");
  });
});

Deno.test("the CLI entry rejects an unknown flag in one line with its usage, exit 2", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", "-A", DEV_SERVER, "--bogus"],
    stdin: "null",
  }).output();
  assert.equal(output.code, 2);
  assert.equal(new TextDecoder().decode(output.stdout), "");
  assert.match(
    new TextDecoder().decode(output.stderr),
    /^dev-server: Unknown option --bogus\nUsage: deno run -A scripts\/dev-server\.ts .*\n$/,
  );
});

Deno.test("the CLI entry prints its URL and CA path and serves HTTPS with that CA", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", "-A", DEV_SERVER],
    stdout: "piped",
    stderr: "null",
    stdin: "null",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  try {
    while (!text.includes("Ctrl-C")) {
      const { value, done } = await lines.read();
      if (done) break;
      text += value;
    }
    const url = /service: (https:\/\/127\.0\.0\.1:\d+)/.exec(text)?.[1];
    const caPath = /certificate: (\S+)/.exec(text)?.[1];
    assert.ok(url && caPath, text);
    assert.match(text, new RegExp(`CONDA_TOKEN_REPO_URL\\): ${url}/repo/\n`));
    assert.match(text, new RegExp(`anaconda.org API: ${url}/org-api\n`));
    const client = Deno.createHttpClient({ caCerts: [await Deno.readTextFile(caPath)] });
    try {
      const response = await fetch(`${url}/.well-known/openid-configuration`, { client });
      assert.equal((await response.json()).issuer, url);
    } finally {
      client.close();
    }
  } finally {
    child.kill("SIGINT");
    await lines.cancel();
    await child.status;
  }
});
