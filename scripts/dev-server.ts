/**
 * A stand-in Anaconda service for tests and demos: OIDC discovery, the device flow
 * (RFC 8628) with approve/deny controls, the authorization-code flow with real PKCE
 * (S256) checks, API-key issuance and `/api/account`, over HTTPS with a throw-away CA
 * (or plain HTTP) on 127.0.0.1.
 *
 * In tests:
 * ```ts
 * await using server = await startDevServer();
 * // config: domain = server.domain, ssl_verify = server.caPath
 * ```
 * From a shell:
 * ```sh
 * deno run -A scripts/dev-server.ts [--http] [--port N] [--auto-approve] [--no-device-endpoint]
 * ```
 * It prints its URL and CA path, and the environment to point `anaconda` at it.
 *
 * API keys and access tokens are JWTs (`header.payload.signature`, HS256 with a
 * per-server secret) with `exp`, `sub`, `username`; only keys this server issued (or
 * that a test registered with `acceptApiKey`) are accepted.
 * @module
 */
import { createTestCertificates, type TestCertificates } from "./test_ca.ts";

export interface DevUser {
  id: string;
  email: string | null;
  username: string;
  first_name: string;
  last_name: string;
}

/** How device codes get approved. */
export type DeviceApproval =
  /** Only by `approve()` / `POST /dev/approve`. */
  | "manual"
  /** When the verification page (`verification_uri_complete`) is opened. */
  | "on-visit"
  /** At once: the first poll gets the tokens. */
  | "immediate"
  /** Denied at once: the first poll gets `access_denied`. */
  | "deny";

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

export interface DevServerOptions {
  /** Plain HTTP instead of HTTPS. */
  http?: boolean;
  /** Port on 127.0.0.1 (default 0: any free port). */
  port?: number;
  /** Reuse certificates instead of making a new CA (they are not removed on close). */
  certificates?: TestCertificates;
  /** Leave `device_authorization_endpoint` out of discovery (the A7 fallback). */
  noDeviceEndpoint?: boolean;
  /** Leave `verification_uri_complete` out of device authorizations (A22). */
  noVerificationUriComplete?: boolean;
  /**
   * Advertise `authorization_response_iss_parameter_supported` and add `iss` to the
   * `/authorize` redirect (A23); `"wrong"` sends a wrong issuer.
   */
  issParameter?: boolean | "wrong";
  deviceApproval?: DeviceApproval;
  /** Approve a device code by itself after this many `authorization_pending` polls. */
  approveAfterPolls?: number;
  /** The first N polls of each device code get `slow_down`. */
  slowDowns?: number;
  /** `expires_in` of device codes, seconds (default 600). */
  deviceExpiresIn?: number;
  /** `interval` of device codes, seconds (default 5). */
  interval?: number;
  /** `/authorize`: `approve` redirects back at once (default), `deny` with an error, `page` shows a form. */
  authorize?: "approve" | "deny" | "page";
  /** Answer this status instead of 201 at `/api/auth/api-keys` (`auth`) or `/api/iam/api-keys` (`iam`). */
  apiKeyFailures?: { auth?: number; iam?: number };
  /** Lifetime of issued API keys, seconds (default one year). */
  apiKeyLifetime?: number;
  /** Overrides of the account's user fields. */
  user?: Partial<DevUser>;
  subscriptions?: { org_id: string; product_code: string }[];
  /** Sent as `Min-Api-Version` on every response. */
  minApiVersion?: string;
  /** The server's clock, ms since the epoch (default `Date.now`). */
  now?: () => number;
  routes?: Record<string, RouteHandler>;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
  /** The parsed body of a form post. */
  form?: Record<string, string>;
  /** The parsed body of a JSON post. */
  json?: unknown;
}

export interface DeviceCodeState {
  deviceCode: string;
  userCode: string;
  clientId: string;
  scope: string;
  expiresAt: number;
  status: "pending" | "approved" | "denied" | "used";
  polls: number;
  slowDownsLeft: number;
}

interface AuthorizationCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  expiresAt: number;
  used: boolean;
}

export interface DevServer extends AsyncDisposable {
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
  deviceCodes: Map<string, DeviceCodeState>;
  user(): DevUser;
  /** Approves the device code with this user code (default: the newest pending one). */
  approve(userCode?: string): void;
  deny(userCode?: string): void;
  /** Makes the device code expire now. */
  expire(userCode?: string): void;
  /** Resolves with the user code of the next (or a pending) device authorization. */
  waitForUserCode(options?: { timeoutMs?: number }): Promise<string>;
  /** Resolves with the first request (past or future) that matches. */
  waitForRequest(
    match: string | ((request: LoggedRequest) => boolean),
    options?: { timeoutMs?: number },
  ): Promise<LoggedRequest>;
  /** A valid API key for the account (`exp` = now + `expiresIn` seconds; negative = expired). */
  issueApiKey(options?: { expiresIn?: number; username?: string }): Promise<string>;
  /** Accepts an API key made elsewhere at `/api/account`. */
  acceptApiKey(apiKey: string): void;
  close(): Promise<void>;
}

const encoder = new TextEncoder();

function base64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function base64UrlJson(value: unknown): string {
  return base64Url(encoder.encode(JSON.stringify(value)));
}

function decodeBase64UrlJson(part: string): unknown {
  const padded = part.replaceAll("-", "+").replaceAll("_", "/");
  const binary = atob(padded + "=".repeat((4 - padded.length % 4) % 4));
  const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

function randomToken(bytes = 32): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

const USER_CODE_LETTERS = "BCDFGHJKLMNPQRSTVWXZ";

function randomUserCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  const letters = [...bytes].map((byte) => USER_CODE_LETTERS[byte % USER_CODE_LETTERS.length]);
  return `${letters.slice(0, 4).join("")}-${letters.slice(4).join("")}`;
}

async function sha256Base64Url(text: string): Promise<string> {
  return base64Url(new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text))));
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });
}

function oauthError(status: number, error: string, description?: string): Response {
  return json(status, description ? { error, error_description: description } : { error });
}

function authRequired(): Response {
  return json(401, { error: { code: "auth_required", message: "Authentication required" } });
}

function html(status: number, body: string): Response {
  return new Response(`<!doctype html><html><body>${body}</body></html>`, {
    status,
    headers: { "Content-Type": "text/html; charset=utf-8" },
  });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function bearer(request: LoggedRequest): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers["authorization"] ?? "");
  return match?.[1] ?? null;
}

const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

/** Starts the stand-in service; close it with `close()` or `await using`. */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const settings = options;
  const now = () => (settings.now ?? Date.now)();
  const ownCertificates = !settings.http && !settings.certificates;
  const certificates = settings.http
    ? null
    : settings.certificates ?? await createTestCertificates();
  const secret = await crypto.subtle.importKey(
    "raw",
    crypto.getRandomValues(new Uint8Array(32)),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign", "verify"],
  );
  const closing = new AbortController();
  const requests: LoggedRequest[] = [];
  const listeners = new Set<(request: LoggedRequest) => void>();
  const deviceListeners = new Set<(state: DeviceCodeState) => void>();
  const deviceCodes = new Map<string, DeviceCodeState>();
  const authorizationCodes = new Map<string, AuthorizationCode>();
  const acceptedApiKeys = new Set<string>();
  const userId = crypto.randomUUID();
  let url = "";

  const user = (): DevUser => ({
    id: userId,
    email: "jane.doe@example.com",
    username: "jane",
    first_name: "Jane",
    last_name: "Doe",
    ...settings.user,
  });

  async function signJwt(claims: Record<string, unknown>): Promise<string> {
    const signingInput = `${base64UrlJson({ alg: "HS256", typ: "JWT" })}.${base64UrlJson(claims)}`;
    const signature = await crypto.subtle.sign("HMAC", secret, encoder.encode(signingInput));
    return `${signingInput}.${base64Url(new Uint8Array(signature))}`;
  }

  /** The claims of a JWT this server signed and that has not expired, else null. */
  async function verifyJwt(token: string): Promise<Record<string, unknown> | null> {
    const parts = token.split(".");
    if (parts.length !== 3) return null;
    const [header, payload, signature] = parts as [string, string, string];
    let signatureBytes: Uint8Array<ArrayBuffer>;
    try {
      const padded = signature.replaceAll("-", "+").replaceAll("_", "/");
      signatureBytes = Uint8Array.from(
        atob(padded + "=".repeat((4 - padded.length % 4) % 4)),
        (char) => char.charCodeAt(0),
      );
    } catch {
      return null;
    }
    const valid = await crypto.subtle.verify(
      "HMAC",
      secret,
      signatureBytes,
      encoder.encode(`${header}.${payload}`),
    );
    if (!valid) return null;
    const claims = decodeBase64UrlJson(payload) as Record<string, unknown>;
    if (typeof claims.exp !== "number" || claims.exp * 1000 <= now()) return null;
    return claims;
  }

  async function issueTokens(clientId: string, scope: string): Promise<Response> {
    const issuedAt = Math.floor(now() / 1000);
    const current = user();
    const accessToken = await signJwt({
      iss: url,
      sub: current.id,
      aud: clientId,
      username: current.username,
      email: current.email,
      scope,
      token_use: "access",
      iat: issuedAt,
      exp: issuedAt + 3600,
      jti: crypto.randomUUID(),
    });
    const idToken = await signJwt({
      iss: url,
      sub: current.id,
      aud: clientId,
      email: current.email,
      iat: issuedAt,
      exp: issuedAt + 3600,
    });
    return json(200, {
      access_token: accessToken,
      token_type: "Bearer",
      expires_in: 3600,
      scope,
      id_token: idToken,
      refresh_token: randomToken(),
    });
  }

  async function issueApiKey(
    keyOptions: { expiresIn?: number; username?: string; scopes?: unknown } = {},
  ): Promise<string> {
    const issuedAt = Math.floor(now() / 1000);
    const current = user();
    return await signJwt({
      iss: url,
      sub: current.id,
      username: keyOptions.username ?? current.username,
      scopes: keyOptions.scopes ?? ["cloud:read", "cloud:write", "repo:read"],
      token_use: "api_key",
      iat: issuedAt,
      exp: issuedAt + (keyOptions.expiresIn ?? settings.apiKeyLifetime ?? 365 * 24 * 3600),
      jti: crypto.randomUUID(),
    });
  }

  function findDeviceCode(userCode?: string): DeviceCodeState {
    const states = [...deviceCodes.values()];
    const state = userCode === undefined
      ? states.filter((candidate) => candidate.status === "pending").at(-1)
      : states.find((candidate) => candidate.userCode === userCode.toUpperCase());
    if (!state) {
      throw new Error(
        userCode === undefined ? "No pending device code" : `Unknown user code ${userCode}`,
      );
    }
    return state;
  }

  function deviceAuthorization(logged: LoggedRequest): Response {
    const form = logged.form ?? {};
    if (!form.client_id) return oauthError(400, "invalid_client", "client_id is required");
    const userCode = randomUserCode();
    const expiresIn = settings.deviceExpiresIn ?? 600;
    const state: DeviceCodeState = {
      deviceCode: randomToken(),
      userCode,
      clientId: form.client_id,
      scope: form.scope ?? "",
      expiresAt: now() + expiresIn * 1000,
      status: settings.deviceApproval === "immediate"
        ? "approved"
        : settings.deviceApproval === "deny"
        ? "denied"
        : "pending",
      polls: 0,
      slowDownsLeft: settings.slowDowns ?? 0,
    };
    deviceCodes.set(state.deviceCode, state);
    for (const listener of [...deviceListeners]) listener(state);
    const verificationUri = `${url}/device`;
    return json(200, {
      device_code: state.deviceCode,
      user_code: userCode,
      verification_uri: verificationUri,
      ...(settings.noVerificationUriComplete
        ? {}
        : { verification_uri_complete: `${verificationUri}?user_code=${userCode}` }),
      expires_in: expiresIn,
      interval: settings.interval ?? 5,
    });
  }

  function devicePage(logged: LoggedRequest): Response {
    const userCode = logged.query.user_code;
    if (!userCode) {
      return html(
        200,
        '<form method="get"><label>Code <input name="user_code"></label><button>Next</button></form>',
      );
    }
    let state: DeviceCodeState;
    try {
      state = findDeviceCode(userCode);
    } catch {
      return html(404, `<p>Unknown code ${escapeHtml(userCode)}</p>`);
    }
    if (settings.deviceApproval === "on-visit" && state.status === "pending") {
      state.status = "approved";
    }
    if (state.status === "approved") {
      return html(200, "<p>Device approved. Return to your terminal.</p>");
    }
    const code = escapeHtml(state.userCode);
    return html(
      200,
      `<p>Allow the device with code <b>${code}</b>?</p>` +
        `<form method="post" action="/dev/approve?user_code=${code}"><button>Approve</button></form>` +
        `<form method="post" action="/dev/deny?user_code=${code}"><button>Deny</button></form>`,
    );
  }

  function devicePoll(form: Record<string, string>): Promise<Response> | Response {
    const state = deviceCodes.get(form.device_code ?? "");
    if (!state || state.status === "used") {
      return oauthError(400, "invalid_grant", "Unknown or used device code");
    }
    if (form.client_id !== undefined && form.client_id !== state.clientId) {
      return oauthError(400, "invalid_client", "client_id does not match the device code");
    }
    state.polls++;
    if (now() >= state.expiresAt) return oauthError(400, "expired_token");
    if (state.status === "denied") return oauthError(400, "access_denied");
    if (state.slowDownsLeft > 0) {
      state.slowDownsLeft--;
      return oauthError(400, "slow_down");
    }
    if (state.status === "pending") {
      const after = settings.approveAfterPolls;
      if (after !== undefined && state.polls > after) {
        state.status = "approved";
      } else {
        return oauthError(400, "authorization_pending");
      }
    }
    state.status = "used";
    return issueTokens(state.clientId, state.scope);
  }

  function authorize(logged: LoggedRequest): Response {
    const query: Record<string, string> = { ...logged.query, ...logged.form };
    const missing = ["client_id", "response_type", "redirect_uri", "state", "code_challenge"]
      .filter((name) => !query[name]);
    if (missing.length > 0) {
      return oauthError(400, "invalid_request", `Missing ${missing.join(", ")}`);
    }
    if (query.response_type !== "code") return oauthError(400, "unsupported_response_type");
    if ((query.code_challenge_method ?? "plain") !== "S256") {
      return oauthError(400, "invalid_request", "code_challenge_method must be S256");
    }
    let redirect: URL;
    try {
      redirect = new URL(query.redirect_uri ?? "");
    } catch {
      return oauthError(400, "invalid_request", "redirect_uri is not a URL");
    }
    const mode = settings.authorize ?? "approve";
    if (mode === "page" && logged.method === "GET") {
      const fields = Object.entries(query).map(([name, value]) =>
        `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`
      ).join("");
      return html(
        200,
        `<form method="post" action="/authorize?decision=approve">${fields}<button>Approve</button></form>`,
      );
    }
    const approved = mode === "approve" || query.decision === "approve";
    redirect.searchParams.set("state", query.state ?? "");
    if (approved) {
      const code = randomToken();
      authorizationCodes.set(code, {
        clientId: query.client_id ?? "",
        redirectUri: query.redirect_uri ?? "",
        challenge: query.code_challenge ?? "",
        expiresAt: now() + 600_000,
        used: false,
      });
      redirect.searchParams.set("code", code);
    } else {
      redirect.searchParams.set("error", "access_denied");
    }
    if (settings.issParameter) {
      redirect.searchParams.set(
        "iss",
        settings.issParameter === "wrong" ? "https://evil.example" : url,
      );
    }
    return new Response(null, { status: 302, headers: { Location: redirect.href } });
  }

  async function authorizationCodeGrant(form: Record<string, string>): Promise<Response> {
    const entry = authorizationCodes.get(form.code ?? "");
    if (!entry || entry.used || now() >= entry.expiresAt) {
      return oauthError(400, "invalid_grant", "Unknown, used or expired authorization code");
    }
    entry.used = true;
    if (form.client_id !== entry.clientId) {
      return oauthError(400, "invalid_client", "client_id does not match the authorization");
    }
    if (form.redirect_uri !== entry.redirectUri) {
      return oauthError(400, "invalid_grant", "redirect_uri does not match the authorization");
    }
    const verifier = form.code_verifier ?? "";
    if (!VERIFIER.test(verifier)) {
      return oauthError(400, "invalid_grant", "code_verifier is missing or malformed");
    }
    if (await sha256Base64Url(verifier) !== entry.challenge) {
      return oauthError(400, "invalid_grant", "PKCE verification failed");
    }
    return issueTokens(entry.clientId, "openid email profile offline_access");
  }

  async function token(logged: LoggedRequest): Promise<Response> {
    const form = logged.form ?? {};
    switch (form.grant_type) {
      case "urn:ietf:params:oauth:grant-type:device_code":
        return await devicePoll(form);
      case "authorization_code":
        return await authorizationCodeGrant(form);
      default:
        return oauthError(400, "unsupported_grant_type");
    }
  }

  async function apiKeys(logged: LoggedRequest, which: "auth" | "iam"): Promise<Response> {
    const failure = settings.apiKeyFailures?.[which];
    if (failure !== undefined) {
      return json(failure, { error: { code: "unavailable", message: "API key issuance failed" } });
    }
    const accessToken = bearer(logged);
    const claims = accessToken ? await verifyJwt(accessToken) : null;
    if (!claims || claims.token_use !== "access") return authRequired();
    const body = logged.json as { scopes?: unknown } | undefined;
    const apiKey = await issueApiKey({ scopes: body?.scopes });
    return json(201, { id: crypto.randomUUID(), api_key: apiKey });
  }

  async function apiKeyClaims(logged: LoggedRequest): Promise<Record<string, unknown> | null> {
    const key = bearer(logged);
    if (!key) return null;
    if (acceptedApiKeys.has(key)) return { username: user().username };
    const claims = await verifyJwt(key);
    return claims?.token_use === "api_key" ? claims : null;
  }

  async function account(logged: LoggedRequest): Promise<Response> {
    const claims = await apiKeyClaims(logged);
    if (!claims) return authRequired();
    const current = user();
    return json(200, {
      user: { ...current, username: claims.username ?? current.username },
      profile: { is_confirmed: true, is_disabled: false, is_consented: true },
      subscriptions: settings.subscriptions ?? [],
    });
  }

  async function userinfo(logged: LoggedRequest): Promise<Response> {
    const key = bearer(logged);
    const claims = key ? await verifyJwt(key) : null;
    if (!claims && !(key && acceptedApiKeys.has(key))) return authRequired();
    const current = user();
    return json(200, {
      sub: current.id,
      email: current.email,
      username: current.username,
      organization_features: [],
    });
  }

  function discovery(): Response {
    return json(200, {
      issuer: url,
      authorization_endpoint: `${url}/authorize`,
      token_endpoint: `${url}/api/auth/oauth2/token`,
      ...(settings.noDeviceEndpoint
        ? {}
        : { device_authorization_endpoint: `${url}/api/auth/oauth2/device/authorize` }),
      userinfo_endpoint: `${url}/api/auth/oauth2/userinfo`,
      response_types_supported: ["code"],
      grant_types_supported: ["authorization_code", "urn:ietf:params:oauth:grant-type:device_code"],
      code_challenge_methods_supported: ["S256"],
      ...(settings.issParameter ? { authorization_response_iss_parameter_supported: true } : {}),
    });
  }

  function control(logged: LoggedRequest, action: "approve" | "deny"): Response {
    const userCode = logged.query.user_code ?? logged.form?.user_code;
    try {
      const state = findDeviceCode(userCode || undefined);
      if (state.status === "pending") state.status = action === "approve" ? "approved" : "denied";
      return json(200, { user_code: state.userCode, status: state.status });
    } catch (err) {
      return json(404, { error: { code: "not_found", message: (err as Error).message } });
    }
  }

  async function route(logged: LoggedRequest): Promise<Response> {
    const key = `${logged.method} ${logged.path}`;
    switch (key) {
      case "GET /.well-known/openid-configuration":
        return discovery();
      case "POST /api/auth/oauth2/device/authorize":
        return settings.noDeviceEndpoint
          ? json(404, { error: { code: "not_found" } })
          : deviceAuthorization(logged);
      case "GET /device":
        return devicePage(logged);
      case "POST /api/auth/oauth2/token":
        return await token(logged);
      case "GET /authorize":
      case "POST /authorize":
      case "GET /api/auth/oauth2/authorize":
        return authorize(logged);
      case "POST /api/auth/api-keys":
        return await apiKeys(logged, "auth");
      case "POST /api/iam/api-keys":
        return await apiKeys(logged, "iam");
      case "GET /api/account":
        return await account(logged);
      case "GET /api/auth/oauth2/userinfo":
        return await userinfo(logged);
      case "POST /dev/approve":
        return control(logged, "approve");
      case "POST /dev/deny":
        return control(logged, "deny");
      case "GET /dev/requests":
        return json(200, requests);
      case "GET /app/local-login-success":
        return html(200, "<p>Login successful. You can close this window.</p>");
      case "GET /app/local-login-error":
        return html(200, "<p>Login failed.</p>");
      default:
        return json(404, { error: { code: "not_found", message: `No route for ${key}` } });
    }
  }

  async function log(request: Request): Promise<LoggedRequest> {
    const target = new URL(request.url);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => headers[name] = value);
    const body = await request.text();
    const logged: LoggedRequest = {
      method: request.method,
      path: target.pathname,
      query: Object.fromEntries(target.searchParams),
      headers,
      body,
    };
    const type = headers["content-type"] ?? "";
    if (type.startsWith("application/x-www-form-urlencoded")) {
      logged.form = Object.fromEntries(new URLSearchParams(body));
    } else if (type.includes("json") && body !== "") {
      try {
        logged.json = JSON.parse(body);
      } catch { /* logged as text */ }
    }
    return logged;
  }

  async function handle(request: Request): Promise<Response> {
    const logged = await log(request);
    requests.push(logged);
    for (const listener of [...listeners]) listener(logged);
    const custom = settings.routes?.[`${logged.method} ${logged.path}`];
    let response: Response;
    try {
      response = custom
        ? await custom(
          new Request(request.url, {
            method: request.method,
            headers: request.headers,
            ...(logged.body === "" ? {} : { body: logged.body }),
          }),
          { server, logged, closed: closing.signal },
        )
        : await route(logged);
    } catch (err) {
      response = json(500, { error: { code: "server_error", message: String(err) } });
    }
    if (settings.minApiVersion) {
      response = new Response(response.body, response);
      response.headers.set("Min-Api-Version", settings.minApiVersion);
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
  url = `${certificates ? "https" : "http"}://${domain}`;

  function waitForRequest(
    match: string | ((request: LoggedRequest) => boolean),
    waitOptions: { timeoutMs?: number } = {},
  ): Promise<LoggedRequest> {
    const matches = typeof match === "string"
      ? (request: LoggedRequest) =>
        `${request.method} ${request.path}` === match || request.path === match
      : match;
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

  function waitForUserCode(waitOptions: { timeoutMs?: number } = {}): Promise<string> {
    const pending = [...deviceCodes.values()].filter((state) => state.status === "pending");
    const last = pending.at(-1);
    if (last) return Promise.resolve(last.userCode);
    const timeoutMs = waitOptions.timeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
      const listener = (state: DeviceCodeState) => {
        if (state.status !== "pending") return;
        clearTimeout(timer);
        deviceListeners.delete(listener);
        resolve(state.userCode);
      };
      const timer = setTimeout(() => {
        deviceListeners.delete(listener);
        reject(new Error(`No device authorization within ${timeoutMs} ms`));
      }, timeoutMs);
      deviceListeners.add(listener);
    });
  }

  const server: DevServer = {
    url,
    domain,
    caPath: certificates?.caPath ?? null,
    caPem: certificates?.caPem ?? null,
    settings,
    requests,
    deviceCodes,
    user,
    approve(userCode) {
      findDeviceCode(userCode).status = "approved";
    },
    deny(userCode) {
      findDeviceCode(userCode).status = "denied";
    },
    expire(userCode) {
      findDeviceCode(userCode).expiresAt = now();
    },
    waitForUserCode,
    waitForRequest,
    issueApiKey: (keyOptions) => issueApiKey(keyOptions),
    acceptApiKey(apiKey) {
      acceptedApiKeys.add(apiKey);
    },
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

function parseArgs(args: string[]): DevServerOptions {
  const options: DevServerOptions = {};
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    switch (arg) {
      case "--http":
        options.http = true;
        break;
      case "--port":
        options.port = Number(args[++index]);
        if (!Number.isInteger(options.port)) throw new Error("--port needs a number");
        break;
      case "--auto-approve":
        options.deviceApproval = "on-visit";
        options.approveAfterPolls = 1;
        break;
      case "--no-device-endpoint":
        options.noDeviceEndpoint = true;
        break;
      case "-h":
      case "--help":
        console.log(
          "Usage: deno run -A scripts/dev-server.ts [--http] [--port N] [--auto-approve] [--no-device-endpoint]",
        );
        Deno.exit(0);
        break;
      default:
        throw new Error(`Unknown option ${arg}`);
    }
  }
  return options;
}

if (import.meta.main) {
  const server = await startDevServer(parseArgs(Deno.args));
  console.log(`Stand-in Anaconda service: ${server.url}`);
  if (server.caPath) console.log(`Test CA certificate: ${server.caPath}`);
  console.log("Point anaconda at it with:");
  console.log(`  export ANACONDA_AUTH_DOMAIN=${server.domain}`);
  if (server.caPath) console.log(`  export ANACONDA_AUTH_SSL_VERIFY=${server.caPath}`);
  console.log(
    `Approve a device login: curl -X POST ${server.url}/dev/approve${
      server.caPath ? ` --cacert ${server.caPath}` : ""
    }`,
  );
  console.log("Ctrl-C stops it.");
  const stop = async () => {
    await server.close();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", stop);
  if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", stop);
}
