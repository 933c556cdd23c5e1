/**
 * A stand-in Anaconda service for tests and demos, on 127.0.0.1 over HTTPS with a
 * throw-away CA (scripts/test_ca.ts) or plain HTTP. This file is its core: start-up,
 * TLS, routing, the request log and the controls; the endpoints live in one file per
 * group (device_flow.ts, browser_flow.ts, account.ts, repo_tokens.ts, org_api.ts).
 *
 * ```ts
 * await using server = await startDevServer();
 * // config: domain = server.domain, ssl_verify = server.caPath
 * ```
 * `scripts/dev-server.ts` runs it from a shell.
 * @module
 */
import { createTestCertificates, type TestCertificates } from "../test_ca.ts";
import { account, type AccountOptions } from "./account.ts";
import { browserFlow, type BrowserFlowOptions } from "./browser_flow.ts";
import { type ApiKeyOptions, createCredentials } from "./credentials.ts";
import { deviceFlow, type DeviceFlowControls, type DeviceFlowOptions } from "./device_flow.ts";
import { orgApi, type OrgApiControls, type OrgApiOptions } from "./org_api.ts";
import { type RepoControls, type RepoTokenOptions, repoTokens } from "./repo_tokens.ts";
import type { DevUser, LoggedRequest, Route, Service, ServiceOptions } from "./service.ts";
import { apiError, json } from "./service.ts";

export type { DevUser, LoggedRequest } from "./service.ts";
export type { DeviceApproval, DeviceCodeState } from "./device_flow.ts";

/** Request bodies above this size get 413 (the fixture reads nothing unbounded). */
export const MAX_BODY_BYTES = 64 * 1024;

/** Extra routes, keyed `"<METHOD> <path>"`; they win over the built-in ones. */
export type RouteHandler = (
  request: Request,
  context: RouteContext,
) => Response | Promise<Response>;

export interface RouteContext {
  server: DevServer;
  /** What was logged for this request (body already read). */
  logged: LoggedRequest;
  /** Aborted when the server closes (lets a hanging handler finish). */
  closed: AbortSignal;
}

export interface DevServerOptions
  extends
    ServiceOptions,
    DeviceFlowOptions,
    BrowserFlowOptions,
    AccountOptions,
    RepoTokenOptions,
    OrgApiOptions {
  /** Plain HTTP instead of HTTPS. */
  http?: boolean;
  /** Port on 127.0.0.1 (default 0: any free port). */
  port?: number;
  /** Reuse certificates instead of making a new CA (they are not removed on close). */
  certificates?: TestCertificates;
  /** Sent as `Min-Api-Version` on every response. */
  minApiVersion?: string;
  /** Every response's `Date` header is this many ms off the real clock (a skewed server). */
  dateOffsetMs?: number;
  routes?: Record<string, RouteHandler>;
}

export interface DevServer extends AsyncDisposable, DeviceFlowControls {
  /** `https://127.0.0.1:<port>` (or `http://`). */
  url: string;
  /** `127.0.0.1:<port>`: the `domain` of a site that talks to this server. */
  domain: string;
  /** The CA file to trust (`ssl_verify`); null for plain HTTP. */
  caPath: string | null;
  caPem: string | null;
  /** The live options: tests may change them between steps. */
  settings: DevServerOptions;
  /** Every request, oldest first. */
  requests: LoggedRequest[];
  user(): DevUser;
  /** Resolves with the first request (past or future) that matches. */
  waitForRequest(
    match: string | ((request: LoggedRequest) => boolean),
    options?: { timeoutMs?: number },
  ): Promise<LoggedRequest>;
  /** A valid API key for the account (`exp` = now + `expiresIn` seconds; negative = expired). */
  issueApiKey(options?: { expiresIn?: number; username?: string }): Promise<string>;
  /** Accepts an API key made elsewhere wherever an API key is needed. */
  acceptApiKey(apiKey: string): void;
  /** Repo tokens and the conda repository at `repo.url`. */
  repo: RepoControls;
  /** The anaconda.org API at `orgApi.url`. */
  orgApi: OrgApiControls;
  close(): Promise<void>;
}

/** The body as text, or null when it is larger than `MAX_BODY_BYTES`. */
async function readBody(request: Request): Promise<string | null> {
  if (!request.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of request.body) {
    size += chunk.byteLength;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/** The request as logged; `tooLarge` when its body was over the cap (logged empty). */
async function logRequest(request: Request): Promise<{ logged: LoggedRequest; tooLarge: boolean }> {
  const target = new URL(request.url);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => headers[name] = value);
  const body = await readBody(request);
  const logged: LoggedRequest = {
    method: request.method,
    path: target.pathname,
    query: Object.fromEntries(target.searchParams),
    headers,
    body: body ?? "",
  };
  const type = headers["content-type"] ?? "";
  if (body !== null && type.startsWith("application/x-www-form-urlencoded")) {
    logged.form = Object.fromEntries(new URLSearchParams(body));
  } else if (body && type.includes("json")) {
    try {
      logged.json = JSON.parse(body);
    } catch { /* logged as text */ }
  }
  return { logged, tooLarge: body === null };
}

/** The handler of the first route that matches, with the path's captured groups. */
function findRoute(
  routes: Route[],
  logged: LoggedRequest,
): { route: Route; params: string[] } | null {
  for (const route of routes) {
    if (route.method !== "*" && route.method !== logged.method) continue;
    if (typeof route.path === "string") {
      if (route.path === logged.path) return { route, params: [] };
      continue;
    }
    const match = route.path.exec(logged.path);
    if (match) return { route, params: match.slice(1) };
  }
  return null;
}

function matcher(match: string | ((request: LoggedRequest) => boolean)) {
  return typeof match === "string"
    ? (request: LoggedRequest) =>
      `${request.method} ${request.path}` === match || request.path === match
    : match;
}

/** Starts the stand-in service; close it with `close()` or `await using`. */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const settings = options;
  const ownCertificates = !settings.http && !settings.certificates;
  const certificates = settings.http
    ? null
    : settings.certificates ?? await createTestCertificates();
  const closing = new AbortController();
  const requests: LoggedRequest[] = [];
  const listeners = new Set<(request: LoggedRequest) => void>();
  const userId = crypto.randomUUID();

  const base = {
    url: "",
    now: () => (settings.now ?? Date.now)(),
    user: (): DevUser => ({
      id: userId,
      email: "jane.doe@example.com",
      username: "jane",
      first_name: "Jane",
      last_name: "Doe",
      ...settings.user,
    }),
  };
  const service: Service = Object.assign(base, {
    credentials: await createCredentials(base, settings),
  });
  const browser = browserFlow(service, settings);
  const device = deviceFlow(service, settings, browser.grants);
  const repo = repoTokens(service, settings);
  const org = orgApi(service, settings);
  const routes: Route[] = [
    ...device.routes,
    ...browser.routes,
    ...account(service, settings),
    ...repo.routes,
    ...org.routes,
    { method: "GET", path: "/dev/requests", handle: () => json(200, requests) },
  ];

  async function respond(request: Request, logged: LoggedRequest): Promise<Response> {
    const custom = settings.routes?.[`${logged.method} ${logged.path}`];
    if (custom) {
      const replay = new Request(request.url, {
        method: request.method,
        headers: request.headers,
        ...(logged.body === "" ? {} : { body: logged.body }),
      });
      return await custom(replay, { server, logged, closed: closing.signal });
    }
    const found = findRoute(routes, logged);
    if (!found) {
      return apiError(404, "not_found", `No route for ${logged.method} ${logged.path}`);
    }
    return await found.route.handle(logged, found.params);
  }

  async function handle(request: Request): Promise<Response> {
    const { logged, tooLarge } = await logRequest(request);
    requests.push(logged);
    for (const listener of [...listeners]) listener(logged);
    let response: Response;
    try {
      response = tooLarge
        ? apiError(
          413,
          "payload_too_large",
          `Request bodies are limited to ${MAX_BODY_BYTES} bytes`,
        )
        : await respond(request, logged);
    } catch (err) {
      response = apiError(500, "server_error", String(err));
    }
    if (settings.minApiVersion) {
      response = new Response(response.body, response);
      response.headers.set("Min-Api-Version", settings.minApiVersion);
    }
    if (settings.dateOffsetMs !== undefined) {
      response = new Response(response.body, response);
      response.headers.set("Date", new Date(Date.now() + settings.dateOffsetMs).toUTCString());
    }
    return response;
  }

  const httpServer = Deno.serve({
    hostname: "127.0.0.1",
    port: settings.port ?? 0,
    onListen() {},
    ...(certificates ? { cert: certificates.certPem, key: certificates.keyPem } : {}),
  }, handle);
  const domain = `127.0.0.1:${httpServer.addr.port}`;
  service.url = `${certificates ? "https" : "http"}://${domain}`;

  function waitForRequest(
    match: string | ((request: LoggedRequest) => boolean),
    waitOptions: { timeoutMs?: number } = {},
  ): Promise<LoggedRequest> {
    const matches = matcher(match);
    const found = requests.find(matches);
    if (found) return Promise.resolve(found);
    const timeoutMs = waitOptions.timeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
      const listener = (request: LoggedRequest) => {
        if (!matches(request)) return;
        clearTimeout(timer);
        listeners.delete(listener);
        resolve(request);
      };
      const timer = setTimeout(() => {
        listeners.delete(listener);
        reject(new Error(`No request matching ${String(match)} within ${timeoutMs} ms`));
      }, timeoutMs);
      listeners.add(listener);
    });
  }

  const server: DevServer = {
    ...device.controls,
    url: service.url,
    domain,
    caPath: certificates?.caPath ?? null,
    caPem: certificates?.caPem ?? null,
    settings,
    requests,
    user: service.user,
    waitForRequest,
    issueApiKey: (keyOptions?: ApiKeyOptions) => service.credentials.issueApiKey(keyOptions),
    acceptApiKey: (apiKey) => service.credentials.acceptApiKey(apiKey),
    repo: repo.controls,
    orgApi: org.controls,
    async close() {
      if (closing.signal.aborted) return;
      closing.abort();
      await httpServer.shutdown();
      if (ownCertificates) await certificates?.remove();
    },
    async [Symbol.asyncDispose]() {
      await server.close();
    },
  };
  return server;
}
