/**
 * API keys and the account of the stand-in service: API-key issuance for an access
 * token (`/api/auth/api-keys`, `/api/iam/api-keys`), and, for an API key it issued,
 * `/api/account` (user, profile, subscriptions), `/api/organizations/my` and the
 * OIDC `userinfo`.
 * @module
 */
import type { LoggedRequest, Route, Service } from "./service.ts";
import { apiError, authRequired, bearer, json } from "./service.ts";

export interface Organization {
  id: string;
  name: string;
  title: string;
}

export interface Subscription {
  org_id: string;
  product_code: string;
}

export interface AccountOptions {
  /** Answer this status instead of 201 at `/api/auth/api-keys` (`auth`) or `/api/iam/api-keys` (`iam`). */
  apiKeyFailures?: { auth?: number; iam?: number };
  /** The user's organizations (default: `DEFAULT_ORGANIZATION` alone). */
  organizations?: Organization[];
  /**
   * The account's subscriptions (default: a business subscription for each organization).
   * A business organization is one whose `product_code` does not contain `starter`.
   */
  subscriptions?: Subscription[];
}

export const DEFAULT_ORGANIZATION: Organization = {
  id: "3f8c2a1e-5b7d-4c9a-8e6f-1a2b3c4d5e6f",
  name: "acme",
  title: "Acme Inc.",
};

export function organizationsOf(settings: AccountOptions): Organization[] {
  return settings.organizations ?? [DEFAULT_ORGANIZATION];
}

function subscriptionsOf(settings: AccountOptions): Subscription[] {
  return settings.subscriptions ??
    organizationsOf(settings).map((org) => ({
      org_id: org.id,
      product_code: "commercial_subscription",
    }));
}

export function account(service: Service, settings: AccountOptions): Route[] {
  const { credentials } = service;

  async function issueApiKey(logged: LoggedRequest, which: "auth" | "iam"): Promise<Response> {
    const failure = settings.apiKeyFailures?.[which];
    if (failure !== undefined) return apiError(failure, "unavailable", "API key issuance failed");
    const accessToken = bearer(logged);
    const claims = accessToken ? await credentials.verify(accessToken) : null;
    if (!claims || claims.token_use !== "access") return authRequired();
    const body = logged.json as { scopes?: unknown } | undefined;
    const apiKey = await credentials.issueApiKey({ scopes: body?.scopes });
    return json(201, { id: crypto.randomUUID(), api_key: apiKey });
  }

  /** Answers with `body()` for a valid API key, else `auth_required`. */
  function withApiKey(
    body: (claims: Record<string, unknown>) => unknown,
  ): (logged: LoggedRequest) => Promise<Response> {
    return async (logged) => {
      const claims = await credentials.apiKeyClaims(logged);
      return claims ? json(200, body(claims)) : authRequired();
    };
  }

  async function userinfo(logged: LoggedRequest): Promise<Response> {
    if (!await credentials.isSignedIn(logged)) return authRequired();
    const user = service.user();
    return json(200, {
      sub: user.id,
      email: user.email,
      username: user.username,
      organization_features: [],
    });
  }

  return [
    { method: "POST", path: "/api/auth/api-keys", handle: (logged) => issueApiKey(logged, "auth") },
    { method: "POST", path: "/api/iam/api-keys", handle: (logged) => issueApiKey(logged, "iam") },
    {
      method: "GET",
      path: "/api/account",
      handle: withApiKey((claims) => {
        const user = service.user();
        return {
          user: { ...user, username: claims.username ?? user.username },
          profile: { is_confirmed: true, is_disabled: false, is_consented: true },
          subscriptions: subscriptionsOf(settings),
        };
      }),
    },
    {
      method: "GET",
      path: "/api/organizations/my",
      handle: withApiKey(() => organizationsOf(settings)),
    },
    { method: "GET", path: "/api/auth/oauth2/userinfo", handle: userinfo },
  ];
}
