/**
 * The authorization-code flow with PKCE (RFC 7636, S256; docs/behaviour.md, "Browser flow with
 * PKCE"; D31): open the authorization page in the browser, receive the redirect on a local
 * server, check `state` (and `iss` when the provider supports RFC 9207), then exchange the code
 * for an access token.
 * @module
 */
import type { Context } from "../context.ts";
import { loginErrorUrl, loginSuccessUrl, type SiteConfig } from "../config/schema.ts";
import { encodeBase64Url } from "../base64.ts";
import type { OidcDiscovery } from "./discovery.ts";
import { AuthenticationError } from "./errors.ts";
import {
  jsonObject,
  oauthErrorText,
  postForm,
  type Send,
  stringField,
  throwIfAborted,
} from "./http.ts";
import { startRedirectServer } from "./redirect_server.ts";

/** How long to wait for the browser to come back (the Python tool waits forever). */
export const DEFAULT_BROWSER_TIMEOUT_MS = 5 * 60 * 1000;
const SCOPE = "openid email profile offline_access";

export interface BrowserFlowOptions {
  context: Pick<Context, "clock" | "notify" | "openBrowser">;
  send: Send;
  discovery: OidcDiscovery;
  config: SiteConfig;
  /** Aborted on Ctrl-C: the wait ends, the server closes, the abort reason is thrown. */
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** A 128-character code verifier (96 random bytes, base64url). */
export function codeVerifier(): string {
  return encodeBase64Url(crypto.getRandomValues(new Uint8Array(96)));
}

/** `base64url(sha256(verifier))` without padding. */
export async function codeChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return encodeBase64Url(new Uint8Array(digest));
}

/** The authorization URL the browser opens. */
export function authorizationUrl(
  endpoint: string,
  fields: { clientId: string; state: string; redirectUri: string; challenge: string },
): string {
  const url = new URL(endpoint);
  const params: [string, string][] = [
    ["client_id", fields.clientId],
    ["response_type", "code"],
    ["scope", SCOPE],
    ["state", fields.state],
    ["redirect_uri", fields.redirectUri],
    ["code_challenge", fields.challenge],
    ["code_challenge_method", "S256"],
  ];
  for (const [key, value] of params) url.searchParams.append(key, value);
  return url.href;
}

/** Checks a callback's query: state, RFC 9207 `iss`, an OAuth error, the code. */
export function checkCallback(
  params: URLSearchParams,
  expected: { state: string; discovery: OidcDiscovery },
): string {
  if (params.get("state") !== expected.state) throw new AuthenticationError("State does not match");
  const iss = params.get("iss");
  const { issuer, authorization_response_iss_parameter_supported: issRequired } =
    expected.discovery;
  if (issRequired || (iss !== null && issuer !== null)) {
    if (iss === null) {
      throw new AuthenticationError("The authorization response has no iss parameter (RFC 9207)");
    }
    if (iss !== issuer) {
      throw new AuthenticationError(
        `The authorization response comes from issuer "${iss}", expected "${issuer ?? ""}"`,
      );
    }
  }
  const error = params.get("error");
  if (error !== null) {
    const description = params.get("error_description");
    throw new AuthenticationError(
      `Authorization failed: ${description ? `${error} - ${description}` : error}`,
    );
  }
  const code = params.get("code");
  if (!code) throw new AuthenticationError("Could not complete authentication: no code received");
  return code;
}

/** Runs the browser flow and returns the access token. */
export async function browserFlow(options: BrowserFlowOptions): Promise<string> {
  const { context, discovery, config, signal } = options;
  const verifier = codeVerifier();
  const state = crypto.randomUUID();
  const server = startRedirectServer({
    redirectUri: config.redirect_uri,
    successUrl: loginSuccessUrl(config),
    errorUrl: loginErrorUrl(config),
    verify: (params) => void checkCallback(params, { state, discovery }),
  });
  const timer = new AbortController();
  let params: URLSearchParams;
  try {
    const url = authorizationUrl(discovery.authorization_endpoint, {
      clientId: config.client_id,
      state,
      redirectUri: server.redirectUri,
      challenge: await codeChallenge(verifier),
    });
    context.notify({
      level: "action",
      message: "Opening the login page in your browser. If it does not open, visit:\n\n" +
        `${url}\n\nWaiting for the browser login (CTRL-C to cancel)`,
    });
    context.openBrowser(url).catch(() => false);
    const timeoutMs = options.timeoutMs ?? DEFAULT_BROWSER_TIMEOUT_MS;
    const timedOut = context.clock.sleep(timeoutMs, timer.signal).then(
      () => {
        throw new AuthenticationError(
          `Timed out after ${Math.round(timeoutMs / 1000)} s waiting for the browser login`,
        );
      },
      () => new Promise<never>(() => {}),
    );
    params = await Promise.race([server.callback, timedOut, aborted(signal)]);
  } finally {
    timer.abort();
    await server.close();
  }
  const code = params.get("code") ?? "";
  return await exchangeCode(options, {
    code,
    verifier,
    redirectUri: server.redirectUri,
  });
}

/** A promise that rejects with the abort reason when `signal` aborts. */
function aborted(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_, reject) => {
    if (!signal) return;
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}

/** `POST <token_endpoint>` with the code and the PKCE verifier. */
async function exchangeCode(
  options: BrowserFlowOptions,
  fields: { code: string; verifier: string; redirectUri: string },
): Promise<string> {
  const form = {
    grant_type: "authorization_code",
    client_id: options.config.client_id,
    code: fields.code,
    redirect_uri: fields.redirectUri,
    code_verifier: fields.verifier,
  };
  let response: Response;
  try {
    response = await options.send(
      options.discovery.token_endpoint,
      postForm(form, options.signal),
    );
  } catch (err) {
    throwIfAborted(options.signal);
    throw err;
  }
  const body = await jsonObject(response);
  const token = stringField(body, "access_token");
  if (stringField(body, "error") !== undefined || !response.ok || !token) {
    throw new AuthenticationError(`Error getting JWT: ${oauthErrorText(body, response)}`);
  }
  return token;
}
