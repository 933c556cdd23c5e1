import assert from "node:assert/strict";
import { fakeContext } from "../../tests/fake_context.ts";
import { DEVICE_CODE_GRANT, deviceFlow } from "./device_flow.ts";
import type { OidcDiscovery } from "./discovery.ts";
import { DeviceFlowTimeout } from "./errors.ts";
import type { Send } from "./http.ts";

const DISCOVERY: OidcDiscovery = {
  issuer: "https://auth.example.test",
  authorization_endpoint: "https://auth.example.test/authorize",
  token_endpoint: "https://auth.example.test/token",
  device_authorization_endpoint: "https://auth.example.test/device",
  authorization_response_iss_parameter_supported: false,
};

const AUTHORIZATION = {
  device_code: "dev-code-1",
  user_code: "ABCD-EFGH",
  verification_uri: "https://example.test/activate",
  verification_uri_complete: "https://example.test/activate?user_code=ABCD-EFGH",
  expires_in: 600,
  interval: 5,
};

interface Scripted {
  send: Send;
  /** Form bodies of the token requests, in order. */
  polls: URLSearchParams[];
  deviceRequests: URLSearchParams[];
}

/** The device endpoint answers `authorization`; token polls answer `answers` in turn. */
function scripted(
  answers: Response[],
  authorization: Record<string, unknown> = AUTHORIZATION,
): Scripted {
  const polls: URLSearchParams[] = [];
  const deviceRequests: URLSearchParams[] = [];
  const send: Send = (url, init) => {
    const form = new URLSearchParams(String(init?.body ?? ""));
    assert.equal(init?.method, "POST");
    if (url === DISCOVERY.device_authorization_endpoint) {
      deviceRequests.push(form);
      return Promise.resolve(Response.json(authorization));
    }
    assert.equal(url, DISCOVERY.token_endpoint);
    polls.push(form);
    const next = answers.shift();
    if (!next) throw new Error("more polls than scripted answers");
    return Promise.resolve(next);
  };
  return { send, polls, deviceRequests };
}

const pending = () => Response.json({ error: "authorization_pending" }, { status: 400 });
const slowDown = () => Response.json({ error: "slow_down" }, { status: 400 });
const granted = () => Response.json({ access_token: "access-1", token_type: "Bearer" });

function setup(answers: Response[], authorization?: Record<string, unknown>) {
  const opened: string[] = [];
  const context = fakeContext({
    openBrowser: (url) => {
      opened.push(url);
      return Promise.resolve(true);
    },
  });
  const http = scripted(answers, authorization);
  const run = () =>
    deviceFlow({ context, send: http.send, discovery: DISCOVERY, clientId: "client-1" });
  return { context, http, opened, run };
}

Deno.test("device flow prints the code, opens the complete URL and polls until approved", async () => {
  const { context, http, opened, run } = setup([pending(), pending(), granted()]);
  assert.equal(await run(), "access-1");
  assert.deepEqual(
    Object.fromEntries(http.deviceRequests[0]!),
    { client_id: "client-1", scope: "openid" },
  );
  assert.equal(http.polls.length, 3);
  assert.deepEqual(Object.fromEntries(http.polls[0]!), {
    grant_type: DEVICE_CODE_GRANT,
    device_code: "dev-code-1",
    client_id: "client-1",
  });
  // First poll at once, then one interval after each pending answer.
  assert.equal(context.slept(), 2 * 5000);
  assert.deepEqual(opened, [AUTHORIZATION.verification_uri_complete]);
  assert.equal(
    context.err(),
    "Attempting to automatically open the authorization page in your default browser.\n" +
      "If the browser does not open or you wish to use a different device to authorize " +
      "this request, open the following URL:\n\n" +
      "https://example.test/activate\n\nThen enter the code:\n\nABCD-EFGH\n\n" +
      "Waiting for authorization (CTRL-C to cancel)\n",
  );
  assert.equal(context.out(), "");
});

Deno.test("device flow opens verification_uri when verification_uri_complete is absent", async () => {
  const { verification_uri_complete: _, ...withoutComplete } = AUTHORIZATION;
  const { opened, run } = setup([granted()], withoutComplete);
  assert.equal(await run(), "access-1");
  assert.deepEqual(opened, ["https://example.test/activate"]);
});

Deno.test("slow_down adds 5 seconds to the interval, up to 30", async () => {
  const answers = [slowDown(), slowDown(), pending(), ...Array.from({ length: 6 }, slowDown)];
  const { context, run } = setup([...answers, granted()]);
  assert.equal(await run(), "access-1");
  // 10, 15, 15 (pending), then 20, 25, 30, 30, 30, 30.
  assert.equal(context.slept(), (10 + 15 + 15 + 20 + 25 + 30 * 4) * 1000);
  assert.match(context.err(), /The server asked to slow down: polling every 10 s\n/);
  assert.match(context.err(), /polling every 30 s\n/);
});

Deno.test("access_denied fails with DeviceFlowDenied", async () => {
  const { run } = setup([
    pending(),
    Response.json({ error: "access_denied" }, { status: 400 }),
  ]);
  await assert.rejects(run, { name: "DeviceFlowDenied", message: /User denied authorization/ });
});

Deno.test("expired_token fails with DeviceFlowTimeout", async () => {
  const { run } = setup([Response.json({ error: "expired_token" }, { status: 400 })]);
  await assert.rejects(run, { name: "DeviceFlowTimeout", message: /Device code expired/ });
});

Deno.test("polling stops after expires_in seconds", async () => {
  const { context, http, run } = setup(
    Array.from({ length: 20 }, pending),
    { ...AUTHORIZATION, expires_in: 12, interval: 5 },
  );
  await assert.rejects(run, {
    name: "DeviceFlowTimeout",
    message: /Device authorization timed out/,
  });
  // Polls at 0, 5 and 10 s; the last wait ends at 12 s, when the code expires.
  assert.equal(http.polls.length, 3);
  assert.equal(context.slept(), 12_000);
});

Deno.test("the Python defaults apply when expires_in and interval are missing", async () => {
  const { expires_in: _, interval: __, ...bare } = AUTHORIZATION;
  const { context, http, run } = setup(Array.from({ length: 20 }, pending), bare);
  await assert.rejects(run, DeviceFlowTimeout);
  assert.equal(http.polls.length, 12);
  assert.equal(context.slept(), 60_000);
});

Deno.test("other token errors and non-JSON answers name the cause", async () => {
  await assert.rejects(
    setup([Response.json({ error: "invalid_client", error_description: "who?" }, { status: 400 })])
      .run,
    { name: "DeviceFlowError", message: /Token request failed: invalid_client - who\?/ },
  );
  await assert.rejects(
    setup([new Response("<html>", { status: 502, statusText: "Bad Gateway" })]).run,
    { name: "DeviceFlowError", message: /Token request failed: HTTP 502 Bad Gateway/ },
  );
});

Deno.test("a failed or incomplete device authorization request fails clearly", async () => {
  const failing: Send = () =>
    Promise.resolve(
      Response.json({ error: "unauthorized_client" }, { status: 400 }),
    );
  await assert.rejects(
    () =>
      deviceFlow({ context: fakeContext(), send: failing, discovery: DISCOVERY, clientId: "c" }),
    {
      name: "DeviceFlowError",
      message: /Device authorization request failed: unauthorized_client/,
    },
  );
  const { user_code: _, ...noUserCode } = AUTHORIZATION;
  await assert.rejects(setup([], noUserCode).run, {
    name: "DeviceFlowError",
    message: /the response has no user_code/,
  });
  await assert.rejects(() =>
    deviceFlow({
      context: fakeContext(),
      send: failing,
      discovery: { ...DISCOVERY, device_authorization_endpoint: null },
      clientId: "c",
    }), { name: "DeviceFlowError", message: /Server does not support device authorization/ });
});

Deno.test("an abort stops polling with the abort reason", async () => {
  const controller = new AbortController();
  const context = fakeContext();
  let polls = 0;
  const send: Send = (url) => {
    if (url === DISCOVERY.device_authorization_endpoint) {
      return Promise.resolve(Response.json(AUTHORIZATION));
    }
    polls += 1;
    if (polls === 2) controller.abort(new Error("stop here"));
    return Promise.resolve(pending());
  };
  await assert.rejects(
    () =>
      deviceFlow({
        context,
        send,
        discovery: DISCOVERY,
        clientId: "c",
        signal: controller.signal,
      }),
    { name: "Error", message: "stop here" },
  );
  assert.equal(polls, 2);
});

Deno.test("an interval of 0, 1e-9 or 0.2 s polls once a second, not in a loop; a negative one means 5 s", async () => {
  for (const interval of [0, 1e-9, 0.2]) {
    const { context, http, run } = setup(
      Array.from({ length: 30 }, pending),
      { ...AUTHORIZATION, expires_in: 10, interval },
    );
    await assert.rejects(run, {
      name: "DeviceFlowTimeout",
      message: /Device authorization timed out/,
    });
    assert.equal(http.polls.length, 10, `interval ${interval}`);
    assert.equal(context.slept(), 10_000);
  }
  // A negative interval is no interval: RFC 8628's 5 s.
  const negative = setup(Array.from({ length: 30 }, pending), {
    ...AUTHORIZATION,
    expires_in: 10,
    interval: -3,
  });
  await assert.rejects(negative.run, DeviceFlowTimeout);
  assert.equal(negative.http.polls.length, 2);
});

Deno.test("an interval of 1e12 polls once a minute; no timer overflows", async () => {
  const { context, http, run } = setup(
    Array.from({ length: 30 }, pending),
    { ...AUTHORIZATION, expires_in: 300, interval: 1e12 },
  );
  await assert.rejects(run, DeviceFlowTimeout);
  assert.equal(http.polls.length, 5);
  assert.equal(context.slept(), 300_000);
  assert.equal(context.err().match(/Waiting for authorization/g)?.length, 1);
});

Deno.test("a huge expires_in waits 15 minutes at most", async () => {
  const { context, http, run } = setup(
    Array.from({ length: 100 }, pending),
    { ...AUTHORIZATION, expires_in: 1e9, interval: 60 },
  );
  await assert.rejects(run, {
    name: "DeviceFlowTimeout",
    message: /Device authorization timed out/,
  });
  assert.equal(context.slept(), 15 * 60_000);
  assert.equal(http.polls.length, 15);
});

Deno.test("the server's user code and verification URI are shown with control characters escaped", async () => {
  const { context, run } = setup([granted()], {
    ...AUTHORIZATION,
    user_code: "ABCD\u001b]0;pwned\u0007\u001b[2J",
    verification_uri: "https://example.test/activate?x=\u001b]8;;https://evil.test\u0007",
  });
  assert.equal(await run(), "access-1");
  const shown = context.err();
  assert.ok(!shown.includes("\u001b"), JSON.stringify(shown));
  assert.ok(!shown.includes("\u0007"), JSON.stringify(shown));
  assert.match(shown, /\nABCD\\x1b\]0;pwned\\x07\\x1b\[2J\n/);
  assert.match(shown, /activate\?x=\\x1b\]8;;https:\/\/evil\.test\\x07\n/);
});

Deno.test("a verification URI that is not http(s) is refused; such a complete URI is not opened", async () => {
  for (const uri of ["javascript:alert(1)", "file:///etc/passwd", "not a url"]) {
    await assert.rejects(setup([granted()], { ...AUTHORIZATION, verification_uri: uri }).run, {
      name: "DeviceFlowError",
      message: /Device authorization request failed: the verification_uri is not an http\(s\) URL/,
    });
  }
  const { opened, run } = setup([granted()], {
    ...AUTHORIZATION,
    verification_uri_complete: "file:///etc/passwd",
  });
  assert.equal(await run(), "access-1");
  assert.deepEqual(opened, [AUTHORIZATION.verification_uri]);
});
