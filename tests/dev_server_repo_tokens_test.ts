/**
 * The stand-in service's repo-token API and conda repository (scripts/stand_in/repo_tokens.ts,
 * docs/behaviour.md, "The repo-token API") answer like Anaconda's, so that `anaconda token`
 * tests exercise real requests.
 */
import assert from "node:assert/strict";
import { callJson } from "../scripts/stand_in/client.ts";
import { type DevServer, startDevServer } from "../scripts/stand_in/server.ts";

const REPODATA = "main/noarch/repodata.json";

function api(
  server: DevServer,
  method: string,
  path: string,
  options: { apiKey?: string; body?: unknown } = {},
): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = options.apiKey
    ? { Authorization: `Bearer ${options.apiKey}` }
    : {};
  return callJson(`${server.url}${path}`, method, { headers, body: options.body });
}

/** The status of `HEAD <repo>` with the token in the path, as conda sends it. */
async function headRepodata(server: DevServer, token: string): Promise<number> {
  const response = await fetch(
    `${server.url}/t/${encodeURIComponent(token)}/repo/${REPODATA}`,
    { method: "HEAD" },
  );
  await response.body?.cancel();
  return response.status;
}

Deno.test("organizations and subscriptions need an API key; defaults are one business org", async () => {
  await using server = await startDevServer({ http: true });
  const anonymous = await api(server, "GET", "/api/organizations/my");
  assert.equal(anonymous.status, 401);
  assert.deepEqual((anonymous.body as { error: { code: string } }).error.code, "auth_required");
  const foreign = await api(server, "GET", "/api/organizations/my", { apiKey: "a.b.c" });
  assert.equal(foreign.status, 401);

  const apiKey = await server.issueApiKey();
  const orgs = await api(server, "GET", "/api/organizations/my", { apiKey });
  assert.equal(orgs.status, 200);
  const [org, ...others] = orgs.body as { id: string; name: string; title: string }[];
  assert.deepEqual(others, []);
  assert.match(org?.id ?? "", /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.equal(typeof org?.name, "string");
  assert.equal(typeof org?.title, "string");
  const account = (await api(server, "GET", "/api/account", { apiKey })).body as {
    subscriptions: { org_id: string; product_code: string }[];
  };
  assert.equal(account.subscriptions.length, 1);
  assert.equal(account.subscriptions[0]?.org_id, org?.id);
  assert.doesNotMatch(account.subscriptions[0]?.product_code ?? "starter", /starter/);
});

Deno.test("organizations and subscriptions are configurable per server", async () => {
  const organizations = [
    { id: "11111111-1111-4111-8111-111111111111", name: "free", title: "Free Org" },
    { id: "22222222-2222-4222-8222-222222222222", name: "paid", title: "Paid Org" },
  ];
  const subscriptions = [
    { org_id: organizations[0]!.id, product_code: "starter_subscription" },
    { org_id: organizations[1]!.id, product_code: "business_subscription" },
  ];
  await using server = await startDevServer({ http: true, organizations, subscriptions });
  const apiKey = await server.issueApiKey();
  assert.deepEqual(
    (await api(server, "GET", "/api/organizations/my", { apiKey })).body,
    organizations,
  );
  const account = (await api(server, "GET", "/api/account", { apiKey })).body as {
    subscriptions: unknown;
  };
  assert.deepEqual(account.subscriptions, subscriptions);
});

Deno.test("current-token is 404 until a PUT issues one; a new PUT revokes the previous token", async () => {
  const now = Date.UTC(2024, 0, 1, 12, 30, 15, 500);
  await using server = await startDevServer({ http: true, now: () => now });
  const apiKey = await server.issueApiKey();
  const [org] = (await api(server, "GET", "/api/organizations/my", { apiKey })).body as {
    name: string;
  }[];
  const path = `/api/organizations/${org?.name}/ce/current-token`;

  assert.equal((await api(server, "GET", path)).status, 401, "needs an API key");
  assert.equal((await api(server, "GET", path, { apiKey })).status, 404);
  const unconfirmed = await api(server, "PUT", path, { apiKey, body: {} });
  assert.equal(unconfirmed.status, 400);
  assert.equal(server.repo.tokens.length, 0);

  const first = await api(server, "PUT", path, { apiKey, body: { confirm: "yes" } });
  assert.equal(first.status, 200);
  const issued = first.body as { token: string; expires_at: string };
  assert.deepEqual(Object.keys(issued).sort(), ["expires_at", "token"]);
  assert.equal(issued.expires_at, "2024-12-31T12:30:15", "one year ahead, API format");
  assert.match(issued.token, /^[A-Za-z0-9_-]{20,}$/);
  const current = await api(server, "GET", path, { apiKey });
  assert.deepEqual(current, {
    status: 200,
    body: { id: server.repo.tokens[0]?.id, expires_at: "2024-12-31T12:30:15" },
  });
  assert.equal(await headRepodata(server, issued.token), 200);

  const second = (await api(server, "PUT", path, { apiKey, body: { confirm: "yes" } })).body as {
    token: string;
  };
  assert.notEqual(second.token, issued.token);
  assert.equal(await headRepodata(server, issued.token), 403, "the previous token is revoked");
  assert.equal(await headRepodata(server, second.token), 200);
  assert.deepEqual(
    server.repo.tokens.map((entry) => [entry.org, entry.token, entry.revoked]),
    [[org?.name, issued.token, true], [org?.name, second.token, false]],
  );
  const put = server.requests.filter((request) => request.method === "PUT").at(-1);
  assert.equal(put?.headers.authorization, `Bearer ${apiKey}`);
  assert.deepEqual(put?.json, { confirm: "yes" });
});

Deno.test("current-token for an organization the user is not in is 403", async () => {
  await using server = await startDevServer({ http: true });
  const apiKey = await server.issueApiKey();
  for (const method of ["GET", "PUT"]) {
    const response = await api(server, method, "/api/organizations/someone-else/ce/current-token", {
      apiKey,
      ...(method === "PUT" ? { body: { confirm: "yes" } } : {}),
    });
    assert.equal(response.status, 403, method);
  }
  assert.deepEqual(server.repo.tokens, []);
});

Deno.test("the repository takes a token that needs URL quoting, in the path or a header", async () => {
  const token = "to/ken+with space%and?query";
  await using server = await startDevServer({ http: true, makeRepoToken: () => token });
  const apiKey = await server.issueApiKey();
  const issued = await api(server, "PUT", "/api/organizations/acme/ce/current-token", {
    apiKey,
    body: { confirm: "yes" },
  });
  assert.equal((issued.body as { token: string }).token, token);

  assert.equal(await headRepodata(server, token), 200);
  const logged = server.requests.at(-1);
  assert.equal(logged?.method, "HEAD");
  assert.equal(logged?.path, `/t/${encodeURIComponent(token)}/repo/${REPODATA}`);
  const get = await fetch(`${server.url}/t/${encodeURIComponent(token)}/repo/${REPODATA}`);
  assert.deepEqual(await get.json(), {
    info: { subdir: "noarch" },
    packages: {},
    "packages.conda": {},
  });
  const withHeader = await fetch(`${server.repo.url}${REPODATA}`, {
    method: "HEAD",
    headers: { Authorization: `token ${token}` },
  });
  assert.equal(withHeader.status, 200);
  const anonymous = await fetch(`${server.repo.url}${REPODATA}`, { method: "HEAD" });
  assert.equal(anonymous.status, 403);
  assert.equal(await headRepodata(server, "unknown"), 403);
  const malformed = await fetch(`${server.url}/t/%E0%A4%A/repo/${REPODATA}`, { method: "HEAD" });
  assert.equal(malformed.status, 403);

  server.repo.revoke(token);
  assert.equal(await headRepodata(server, token), 403);
});

Deno.test("a repo token past its expires_at is refused; issue() sets one up directly", async () => {
  await using server = await startDevServer({
    http: true,
    repoTokenExpiresAt: "2020-01-01T00:00:00",
  });
  const expired = server.repo.issue("acme");
  assert.equal(expired.expiresAt, "2020-01-01T00:00:00");
  assert.equal(await headRepodata(server, expired.token), 403);
  delete server.settings.repoTokenExpiresAt;
  const live = server.repo.issue("acme", { token: "chosen-token" });
  assert.equal(await headRepodata(server, "chosen-token"), 200);
  assert.equal(live.token, "chosen-token");
  assert.equal(server.repo.url, `${server.url}/repo/`);
});
