/**
 * An anaconda-client config that names a plain `http://` API on another host: the
 * anaconda.com API key must not go there in clear text, unless the user allows plain
 * HTTP with `ANACONDA_AUTH_ALLOW_INSECURE_HTTP=1`. The "other host" is a made-up name
 * that a recording forward proxy (`HTTP_PROXY`) sends on to the stand-in, so the test
 * sees every byte that would have crossed the network.
 */
import assert from "node:assert/strict";
import { orgSetup, orgTokenPath, storeApiKey } from "./org_support.ts";
import { joinPath } from "./paths.ts";

/** The made-up host of the plain-HTTP API. */
const REMOTE = "org.example.invalid";

/** A forward proxy for plain HTTP: records each request and passes it on to `origin`. */
function recordingProxy(origin: string) {
  const seen: { method: string; url: string; authorization: string | null }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    seen.push({
      method: request.method,
      url: request.url,
      authorization: request.headers.get("Authorization"),
    });
    const target = new URL(request.url);
    const body = request.body === null ? null : await request.arrayBuffer();
    return await fetch(`${origin}${target.pathname}${target.search}`, {
      method: request.method,
      headers: request.headers,
      body,
      redirect: "manual",
    });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    seen,
    close: () => server.shutdown(),
  };
}

Deno.test("login --at anaconda.org refuses a plain-HTTP API on another host before sending the key", async () => {
  await using org = await orgSetup({ http: true });
  const proxy = recordingProxy(new URL(org.server.url).origin);
  try {
    const remoteUrl = `http://${REMOTE}/org-api`;
    const configFile = `${org.home}/.continuum/anaconda-client/config.yaml`;
    await Deno.writeTextFile(configFile, `url: ${remoteUrl}\n`);
    // As the reader names it: joined with the platform's separator.
    const configShown = joinPath(org.home, ".continuum/anaconda-client", "config.yaml");
    const apiKey = await org.server.issueApiKey();
    await storeApiKey(org.home, org.server, apiKey);
    const env = { HTTP_PROXY: proxy.url, NO_PROXY: "" };

    const refused = await org.run(["login"], { env });
    assert.equal(refused.code, 1);
    assert.equal(
      refused.stderr,
      `InsecureHttpError: Refusing to log in to ${remoteUrl} (url from ${configShown}) over ` +
        "plain HTTP: the login sends an API key or a password, and anyone on the network " +
        "between could read it. Use an https:// URL, or set " +
        "ANACONDA_AUTH_ALLOW_INSECURE_HTTP=1 in the environment to allow plain HTTP\n",
    );
    assert.equal(proxy.seen.length, 0, "nothing went out");

    // Said explicitly, in the one setting: the login goes ahead, through the plain-HTTP host.
    const allowed = await org.run(["login"], {
      env: { ...env, ANACONDA_AUTH_ALLOW_INSECURE_HTTP: "1" },
    });
    assert.equal(allowed.code, 0, allowed.stderr);
    const exchange = proxy.seen.find((request) => request.method === "POST");
    assert.equal(exchange?.url, `${remoteUrl}/authentications`);
    assert.equal(exchange?.authorization, `Bearer ${apiKey}`);
    await Deno.stat(orgTokenPath(org.home, remoteUrl));
  } finally {
    await proxy.close();
  }
});

Deno.test("whoami --at anaconda.org does not send the stored token to a plain-HTTP API on another host", async () => {
  await using org = await orgSetup({ http: true });
  const proxy = recordingProxy(new URL(org.server.url).origin);
  try {
    const remoteUrl = `http://${REMOTE}/org-api`;
    await Deno.writeTextFile(
      `${org.home}/.continuum/anaconda-client/config.yaml`,
      `url: ${remoteUrl}\n`,
    );
    const result = await org.run(["whoami"], {
      env: { HTTP_PROXY: proxy.url, NO_PROXY: "", BINSTAR_API_TOKEN: "tk-secret-0123" },
    });
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr,
      "InsecureHttpError: Refusing to send the Authorization header over plain HTTP to " +
        `${remoteUrl}/user: anyone on the network between could read it. Use an https:// ` +
        "URL, or set ANACONDA_AUTH_ALLOW_INSECURE_HTTP=1 in the environment to allow plain HTTP\n",
    );
    assert.deepEqual(proxy.seen, []);
  } finally {
    await proxy.close();
  }
});
