/**
 * The anaconda.org API (docs/behaviour.md, "anaconda.org"), mounted at `<server url>/org-api`
 * on the same server: its discovery document points at this server's own `/authorize`, so the
 * keyring domain anaconda-client derives from it is the server's `127.0.0.1:<port>`, and an
 * anaconda.com login to the stand-in is found. Errors use anaconda.org's shape `{"error":
 * "<message>"}`.
 *
 * | request (under `/org-api`) | answer |
 * |---|---|
 * | `HEAD /` | 200 (404 with `orgApiUnavailable`) |
 * | `GET /.well-known/openid-configuration` | the stand-in's discovery |
 * | `POST /authentications`, `Bearer <API key>` | 200 `{"token"}`; 401 with `orgBearerDisabled` |
 * | `GET /authentication-type` | `{"authentication_type": "password"}` |
 * | `POST /authentications`, HTTP Basic | 200 `{"token"}`; 401 wrong password; 400 `fail-if-exists` with a token of the same `note` |
 * | `DELETE /authentications`, `token <t>` | 201; 401 unknown token |
 * | `GET /user`, `token <t>` | the user (`login`, `name`, `user_type`...); 401 otherwise |
 * @module
 */
import { type Claims, randomToken } from "./credentials.ts";
import { type DeviceFlowOptions, discoveryDocument } from "./device_flow.ts";
import type { LoggedRequest, Route, Service } from "./service.ts";
import { authorization, json } from "./service.ts";

export const ORG_API_BASE = "/org-api";
export const ORG_PASSWORD = "correct horse battery staple";
/** What `/user` says about when the account was made (fixed: the fixture is deterministic). */
const CREATED_AT = "2024-01-15 10:30:00.000000+00:00";

export interface OrgApiOptions {
  /** Every request under `/org-api` gets 404 ("API server is unavailable"). */
  orgApiUnavailable?: boolean;
  /** Bearer logins get 401 `Bearer token authentication is not enabled` (legacy fallback). */
  orgBearerDisabled?: boolean;
  /** The account of HTTP Basic logins (default: the user's username and `ORG_PASSWORD`). */
  orgLogin?: { username: string; password: string };
}

export interface OrgToken {
  token: string;
  username: string;
  /** How it was made: a Bearer API key, or HTTP Basic (the legacy login). */
  via: "bearer" | "basic";
  /** The `POST /authentications` body (`note`, `hostname`, `strength`...). */
  request: Record<string, unknown>;
  /** Removed by `DELETE /authentications` or replaced by a login with the same `note`. */
  deleted: boolean;
}

export interface OrgApiControls {
  /** `<server url>/org-api`: the anaconda-client `url` of this server. */
  readonly url: string;
  /** Every token made, oldest first. */
  tokens: OrgToken[];
  /** A valid token for `username` (default: the user's), as a login would make. */
  issue(username?: string): string;
}

function orgError(status: number, message: string): Response {
  return json(status, { error: message });
}

/** `Authorization: Basic` as `[username, password]`, or null. */
function basicCredentials(request: LoggedRequest): [string, string] | null {
  const encoded = authorization(request, "Basic");
  if (encoded === null) return null;
  try {
    const decoded = new TextDecoder().decode(
      Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0)),
    );
    const colon = decoded.indexOf(":");
    return colon === -1 ? null : [decoded.slice(0, colon), decoded.slice(colon + 1)];
  } catch {
    return null;
  }
}

export function orgApi(
  service: Service,
  settings: OrgApiOptions & DeviceFlowOptions,
): { routes: Route[]; controls: OrgApiControls } {
  const tokens: OrgToken[] = [];

  function liveToken(request: LoggedRequest): OrgToken | undefined {
    const token = authorization(request, "token");
    return tokens.find((entry) => entry.token === token && !entry.deleted);
  }

  function issue(username: string, via: OrgToken["via"], request: Record<string, unknown>) {
    const entry: OrgToken = { token: randomToken(24), username, via, request, deleted: false };
    tokens.push(entry);
    return entry.token;
  }

  /** Who is logging in, by Bearer API key or HTTP Basic, or the error to answer. */
  async function loginUser(
    logged: LoggedRequest,
  ): Promise<{ username: string; via: OrgToken["via"] } | Response> {
    if (authorization(logged, "Bearer") !== null) {
      if (settings.orgBearerDisabled) {
        return orgError(401, "Bearer token authentication is not enabled");
      }
      const claims: Claims | null = await service.credentials.apiKeyClaims(logged);
      if (!claims) return orgError(401, "Invalid API key");
      return { username: String(claims.username ?? service.user().username), via: "bearer" };
    }
    const basic = basicCredentials(logged);
    const account = settings.orgLogin ??
      { username: service.user().username, password: ORG_PASSWORD };
    if (!basic || basic[0] !== account.username || basic[1] !== account.password) {
      return orgError(401, "Invalid username or password");
    }
    return { username: account.username, via: "basic" };
  }

  async function authenticate(logged: LoggedRequest): Promise<Response> {
    const user = await loginUser(logged);
    if (user instanceof Response) return user;
    const body = logged.json;
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      return orgError(400, "The request body must be a JSON object");
    }
    const request = body as Record<string, unknown>;
    const sameNote = tokens.filter((entry) =>
      !entry.deleted && entry.username === user.username && entry.request.note === request.note
    );
    if (sameNote.length > 0 && request["fail-if-exists"] === true) {
      return orgError(400, "A token with this note already exists");
    }
    for (const entry of sameNote) entry.deleted = true;
    return json(200, { token: issue(user.username, user.via, request) });
  }

  function whoami(logged: LoggedRequest): Response {
    const entry = liveToken(logged);
    if (!entry) return orgError(401, "Authentication required");
    const user = service.user();
    return json(200, {
      login: entry.username,
      name: `${user.first_name} ${user.last_name}`.trim(),
      user_type: "user",
      created_at: CREATED_AT,
      company: "",
      location: "",
      url: "",
      description: "",
    });
  }

  function logout(logged: LoggedRequest): Response {
    const entry = liveToken(logged);
    if (!entry) return orgError(401, "Authentication required");
    entry.deleted = true;
    return new Response(null, { status: 201 });
  }

  const endpoints: Record<string, (logged: LoggedRequest) => Response | Promise<Response>> = {
    "HEAD /": () => new Response(null, { status: 200 }),
    "GET /": () => json(200, { ok: true }),
    "GET /.well-known/openid-configuration": () =>
      json(200, discoveryDocument(service.url, settings)),
    "GET /authentication-type": () => json(200, { authentication_type: "password" }),
    "POST /authentications": authenticate,
    "DELETE /authentications": logout,
    "GET /user": whoami,
  };

  function route(logged: LoggedRequest, [rest]: string[]): Response | Promise<Response> {
    if (settings.orgApiUnavailable) return orgError(404, "Not found");
    const key = `${logged.method} /${rest ?? ""}`;
    const endpoint = Object.hasOwn(endpoints, key) ? endpoints[key] : undefined;
    return endpoint ? endpoint(logged) : orgError(404, `No route for ${key}`);
  }

  const controls: OrgApiControls = {
    get url() {
      return `${service.url}${ORG_API_BASE}`;
    },
    tokens,
    issue: (username) => issue(username ?? service.user().username, "bearer", {}),
  };
  return {
    routes: [{ method: "*", path: new RegExp(`^${ORG_API_BASE}(?:/(.*))?$`), handle: route }],
    controls,
  };
}
