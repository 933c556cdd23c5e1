/**
 * The browser flow of the stand-in service: `/authorize` (authorization code with real
 * PKCE S256 checks, RFC 9207 `iss` on request), the `authorization_code` grant of the
 * token endpoint, and the local-login success and error pages.
 * @module
 */
import { randomToken, sha256Base64Url } from "./credentials.ts";
import type { DeviceFlowOptions, Grant } from "./device_flow.ts";
import type { LoggedRequest, Route, Service } from "./service.ts";
import { escapeHtml, html, oauthError } from "./service.ts";

/** With `issParameter`, `/authorize` adds `iss` to its redirect (a wrong one with `"wrong"`). */
export interface BrowserFlowOptions extends Pick<DeviceFlowOptions, "issParameter"> {
  /** `/authorize`: `approve` redirects back at once (default), `deny` with an error, `page` shows a form. */
  authorize?: "approve" | "deny" | "page";
}

interface AuthorizationCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  expiresAt: number;
  used: boolean;
}

const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
const REQUIRED = ["client_id", "response_type", "redirect_uri", "state", "code_challenge"];

export function browserFlow(
  service: Service,
  settings: BrowserFlowOptions,
): { routes: Route[]; grants: Record<string, Grant> } {
  const authorizationCodes = new Map<string, AuthorizationCode>();

  function authorize(logged: LoggedRequest): Response {
    const query: Record<string, string> = { ...logged.query, ...logged.form };
    const missing = REQUIRED.filter((name) => !query[name]);
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
        expiresAt: service.now() + 600_000,
        used: false,
      });
      redirect.searchParams.set("code", code);
    } else {
      redirect.searchParams.set("error", "access_denied");
    }
    if (settings.issParameter) {
      const issuer = settings.issParameter === "wrong" ? "https://evil.example" : service.url;
      redirect.searchParams.set("iss", issuer);
    }
    return new Response(null, { status: 302, headers: { Location: redirect.href } });
  }

  async function authorizationCodeGrant(form: Record<string, string>): Promise<Response> {
    const entry = authorizationCodes.get(form.code ?? "");
    if (!entry || entry.used || service.now() >= entry.expiresAt) {
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
    return service.credentials.tokenResponse(entry.clientId, "openid email profile offline_access");
  }

  const routes: Route[] = [
    ...["GET /authorize", "POST /authorize", "GET /api/auth/oauth2/authorize"].map((key) => {
      const [method, path] = key.split(" ") as [string, string];
      return { method, path, handle: authorize };
    }),
    {
      method: "GET",
      path: "/app/local-login-success",
      handle: () => html(200, "<p>Login successful. You can close this window.</p>"),
    },
    {
      method: "GET",
      path: "/app/local-login-error",
      handle: () => html(200, "<p>Login failed.</p>"),
    },
  ];
  return { routes, grants: { authorization_code: authorizationCodeGrant } };
}
