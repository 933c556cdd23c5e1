/**
 * The credentials the stand-in service hands out and checks: access tokens, ID tokens
 * and API keys are JWTs (`header.payload.signature`, HS256 with a per-server secret)
 * with `exp`, `sub`, `username`. Only what this server signed (or a test registered
 * with `acceptApiKey`) is accepted, and only before `exp`.
 * @module
 */
import type { DevUser, LoggedRequest, ServiceOptions } from "./service.ts";
import { bearer, json } from "./service.ts";

const encoder = new TextEncoder();

export function base64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function base64UrlJson(value: unknown): string {
  return base64Url(encoder.encode(JSON.stringify(value)));
}

/** Bytes of unpadded base64url; throws on anything else. */
function decodeBase64Url(part: string): Uint8Array<ArrayBuffer> {
  const padded = part.replaceAll("-", "+").replaceAll("_", "/");
  const binary = atob(padded + "=".repeat((4 - padded.length % 4) % 4));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

/** A random URL-safe string of `bytes` random bytes. */
export function randomToken(bytes = 32): string {
  // Never a leading "-": tests pass tokens as command-line arguments, where it reads as an
  // option (one run in 64 failed that way).
  return base64Url(crypto.getRandomValues(new Uint8Array(bytes))).replace(/^-/, "A");
}

export async function sha256Base64Url(text: string): Promise<string> {
  return base64Url(new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text))));
}

export type Claims = Record<string, unknown>;

export interface ApiKeyOptions {
  /** `exp` = now + this many seconds (negative: already expired). */
  expiresIn?: number;
  username?: string;
  scopes?: unknown;
}

export interface Credentials {
  /** A token response (access + ID + refresh token) for the user. */
  tokenResponse(clientId: string, scope: string): Promise<Response>;
  /** The claims of a JWT this server signed that has not expired, else null. */
  verify(token: string): Promise<Claims | null>;
  issueApiKey(options?: ApiKeyOptions): Promise<string>;
  /** Accepts an API key made elsewhere as if this server had issued it. */
  acceptApiKey(apiKey: string): void;
  /** The claims of the request's `Bearer` API key when it is valid, else null. */
  apiKeyClaims(request: LoggedRequest): Promise<Claims | null>;
  /** A valid access token or API key (what `/userinfo` accepts). */
  isSignedIn(request: LoggedRequest): Promise<boolean>;
}

const ONE_YEAR = 365 * 24 * 3600;

export async function createCredentials(
  service: { url: string; now(): number; user(): DevUser },
  settings: ServiceOptions,
): Promise<Credentials> {
  const secret = await crypto.subtle.importKey(
    "raw",
    crypto.getRandomValues(new Uint8Array(32)),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign", "verify"],
  );
  const acceptedApiKeys = new Set<string>();

  async function sign(claims: Claims): Promise<string> {
    const signingInput = `${base64UrlJson({ alg: "HS256", typ: "JWT" })}.${base64UrlJson(claims)}`;
    const signature = await crypto.subtle.sign("HMAC", secret, encoder.encode(signingInput));
    return `${signingInput}.${base64Url(new Uint8Array(signature))}`;
  }

  async function verify(token: string): Promise<Claims | null> {
    const parts = token.split(".");
    if (parts.length !== 3) return null;
    const [header, payload, signature] = parts as [string, string, string];
    let signatureBytes: Uint8Array<ArrayBuffer>;
    try {
      signatureBytes = decodeBase64Url(signature);
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
    const claims = JSON.parse(new TextDecoder().decode(decodeBase64Url(payload))) as Claims;
    if (typeof claims.exp !== "number" || claims.exp * 1000 <= service.now()) return null;
    return claims;
  }

  async function tokenResponse(clientId: string, scope: string): Promise<Response> {
    const issuedAt = Math.floor(service.now() / 1000);
    const user = service.user();
    const common = { iss: service.url, sub: user.id, aud: clientId, email: user.email };
    const accessToken = await sign({
      ...common,
      username: user.username,
      scope,
      token_use: "access",
      iat: issuedAt,
      exp: issuedAt + 3600,
      jti: crypto.randomUUID(),
    });
    const idToken = await sign({ ...common, iat: issuedAt, exp: issuedAt + 3600 });
    return json(200, {
      access_token: accessToken,
      token_type: "Bearer",
      expires_in: 3600,
      scope,
      id_token: idToken,
      refresh_token: randomToken(),
    });
  }

  async function issueApiKey(options: ApiKeyOptions = {}): Promise<string> {
    const issuedAt = Math.floor(service.now() / 1000);
    const user = service.user();
    return await sign({
      iss: service.url,
      sub: user.id,
      username: options.username ?? user.username,
      scopes: options.scopes ?? ["cloud:read", "cloud:write", "repo:read"],
      token_use: "api_key",
      iat: issuedAt,
      exp: issuedAt + (options.expiresIn ?? settings.apiKeyLifetime ?? ONE_YEAR),
      jti: crypto.randomUUID(),
    });
  }

  async function apiKeyClaims(request: LoggedRequest): Promise<Claims | null> {
    const key = bearer(request);
    if (!key) return null;
    if (acceptedApiKeys.has(key)) return { username: service.user().username };
    const claims = await verify(key);
    return claims?.token_use === "api_key" ? claims : null;
  }

  async function isSignedIn(request: LoggedRequest): Promise<boolean> {
    const key = bearer(request);
    if (!key) return false;
    return acceptedApiKeys.has(key) || await verify(key) !== null;
  }

  return {
    tokenResponse,
    verify,
    issueApiKey,
    acceptApiKey: (apiKey) => void acceptedApiKeys.add(apiKey),
    apiKeyClaims,
    isSignedIn,
  };
}
