/**
 * Logging in (docs/behaviour.md, "Choosing a flow"; D27-D29): discovery, the device flow (or
 * the browser flow when the provider has no device endpoint or `use_device_flow` is false), the
 * API-key exchange, and saving the key while keeping the stored repo tokens and username of the
 * domain.
 * @module
 */
import type { Context } from "../context.ts";
import type { SiteConfig } from "../config/schema.ts";
import { InterruptedError, StoreError } from "../errors.ts";
import { loadStoredToken, saveToken } from "../token/tokens.ts";
import { TOKEN_VERSION, type TokenInfo } from "../token/token_info.ts";
import { exchangeForApiKey } from "./api_key.ts";
import { deviceFlow, type LoginPresenter } from "./device_flow.ts";
import { discover, type DiscoveryCache } from "./discovery.ts";
import type { Send } from "./http.ts";
import { browserFlow } from "./pkce_flow.ts";

export type LoginFlow = "device" | "browser";

export interface LoginOptions {
  /** HTTP for the flows; by default the HTTP client of `config`, without auth. */
  send?: Send;
  /** Log HTTP requests to stderr, secrets redacted (`--verbose`). */
  verbose?: boolean;
  /** Cancels the login; by default Ctrl-C does (an `InterruptedError`). */
  signal?: AbortSignal;
  /** A discovery cache to share with other logins of the run; by default none. */
  discoveryCache?: DiscoveryCache;
  /** How long the browser flow waits for the redirect. */
  browserTimeoutMs?: number;
  /** How the device code and the wait are shown (the CLI's spinner); default: notices. */
  presenter?: LoginPresenter;
  /** Where `ssl_verify` came from, for the warning that verification is off. */
  sslVerifySource?: string | undefined;
}

export interface LoginResult {
  info: TokenInfo;
  /** Where the key was stored, for people (`file keyring ~/.anaconda/keyring`). */
  storedIn: string;
  flow: LoginFlow;
}

/** The HTTP client of `config` as a `Send`: TLS, proxies, timeouts, headers; no API key. */
export async function clientSend(
  context: Context,
  config: SiteConfig,
  options: { verbose?: boolean; sslVerifySource?: string | undefined } = {},
): Promise<{ send: Send; close(): void }> {
  const { Client } = await import("../http/client.ts");
  const client = new Client({
    context,
    config,
    verbose: options.verbose ?? false,
    sslVerifySource: options.sslVerifySource,
  });
  return { send: (url, init) => client.request(url, init), close: () => client.close() };
}

/**
 * Runs `action` with a signal that Ctrl-C aborts (with an `InterruptedError`), so a
 * login can stop polling, close its server and exit 130 without storing anything.
 */
export async function interruptible<T>(
  context: Context,
  action: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const stop = context.onInterrupt?.(() => {
    controller.abort(new InterruptedError("Login cancelled"));
  });
  try {
    return await action(controller.signal);
  } finally {
    stop?.();
  }
}

/** Logs in to the site of `config` and stores the new API key. */
export function login(
  context: Context,
  config: SiteConfig,
  options: LoginOptions = {},
): Promise<LoginResult> {
  if (options.signal) return loginWith(context, config, options, options.signal);
  return interruptible(context, (signal) => loginWith(context, config, options, signal));
}

async function loginWith(
  context: Context,
  config: SiteConfig,
  options: LoginOptions,
  signal: AbortSignal,
): Promise<LoginResult> {
  if (options.send) return await loginVia(options.send, context, config, options, signal);
  const client = await clientSend(context, config, {
    verbose: options.verbose ?? false,
    sslVerifySource: options.sslVerifySource,
  });
  try {
    return await loginVia(client.send, context, config, options, signal);
  } finally {
    client.close();
  }
}

async function loginVia(
  send: Send,
  context: Context,
  config: SiteConfig,
  options: LoginOptions,
  signal: AbortSignal,
): Promise<LoginResult> {
  const discovery = await discover(send, config, {
    signal,
    ...(options.discoveryCache ? { cache: options.discoveryCache } : {}),
  });
  let flow: LoginFlow = "browser";
  if (config.use_device_flow) {
    if (discovery.device_authorization_endpoint !== null) {
      flow = "device";
    } else {
      context.notify({
        level: "info",
        message:
          `${config.domain} does not offer the device login; using the browser login instead`,
      });
    }
  }
  const flowOptions = { context, send, discovery, signal };
  const accessToken = flow === "device"
    ? await deviceFlow({
      ...flowOptions,
      clientId: config.client_id,
      ...(options.presenter ? { presenter: options.presenter } : {}),
    })
    : await browserFlow({
      ...flowOptions,
      config,
      ...(options.browserTimeoutMs === undefined ? {} : { timeoutMs: options.browserTimeoutMs }),
    });
  const apiKey = await exchangeForApiKey(send, config, { accessToken, signal });
  if (signal.aborted) throw signal.reason;
  const { info, storedIn } = await storeApiKey(context, config, apiKey);
  return { info, storedIn, flow };
}

/**
 * Saves `apiKey` as the site's token, keeping the repo tokens and username already stored for
 * the domain (D27). A stored record that cannot be read is replaced.
 */
export async function storeApiKey(
  context: Context,
  config: SiteConfig,
  apiKey: string,
): Promise<{ info: TokenInfo; storedIn: string }> {
  const existing = await storedRecord(context, config);
  const kept = existing?.domain === config.domain ? existing : null;
  const info: TokenInfo = {
    domain: config.domain,
    api_key: apiKey,
    username: kept?.username ?? null,
    repo_tokens: kept?.repo_tokens ?? [],
    version: TOKEN_VERSION,
  };
  const storedIn = await saveToken(context, config, info);
  return { info, storedIn };
}

/** The record in the site's token store (not a key given in the configuration). */
async function storedRecord(context: Context, config: SiteConfig): Promise<TokenInfo | null> {
  try {
    return await loadStoredToken(context, config);
  } catch (err) {
    if (err instanceof StoreError) return null;
    throw err;
  }
}
