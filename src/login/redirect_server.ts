/**
 * The local HTTP server that receives the browser's redirect at the end of the
 * authorization-code flow (docs/behaviour.md, "Browser flow with PKCE"): it listens only on the
 * host and port of `redirect_uri`, accepts exactly one callback on its path, answers every
 * other request with 404, and sends the browser on to the login success or error page.
 * @module
 */
import { ConfigError, errorMessage } from "../errors.ts";
import { AuthenticationError } from "./errors.ts";

export interface RedirectServerOptions {
  /** `http://<host>:<port>/<path>`; port 0 picks a free port (tests). */
  redirectUri: string;
  /** Where the browser goes after an accepted callback (307). */
  successUrl: string;
  /** Where the browser goes after a rejected callback (307). */
  errorUrl: string;
  /** Checks the callback's query parameters; throws to reject the callback. */
  verify(params: URLSearchParams): void;
}

export interface RedirectServer {
  /** `redirect_uri` with the port actually bound (differs only for port 0). */
  redirectUri: string;
  /** The query of the one callback: resolves when accepted, rejects when rejected. */
  callback: Promise<URLSearchParams>;
  /** Stops listening; safe to call more than once. */
  close(): Promise<void>;
}

interface Endpoint {
  hostname: string;
  port: number;
  path: string;
}

/** Host, port and path of a redirect URI; the port must be explicit. */
export function parseRedirectUri(redirectUri: string): Endpoint {
  let url: URL;
  try {
    url = new URL(redirectUri);
  } catch {
    throw new ConfigError(`redirect_uri ${redirectUri} is not a valid URL`);
  }
  if (url.protocol !== "http:") {
    throw new ConfigError(`redirect_uri ${redirectUri} must be an http:// URL on this machine`);
  }
  const explicitPort = /^http:\/\/(?:\[[^\]]*\]|[^/:?#]*):(\d+)/i.exec(redirectUri)?.[1];
  if (explicitPort === undefined) {
    throw new ConfigError(`redirect_uri ${redirectUri} must include a port`);
  }
  return {
    hostname: url.hostname.replace(/^\[(.*)\]$/, "$1"),
    port: Number(explicitPort),
    path: url.pathname,
  };
}

/** Starts listening; throws an `AuthenticationError` when the address cannot be bound. */
export function startRedirectServer(options: RedirectServerOptions): RedirectServer {
  const endpoint = parseRedirectUri(options.redirectUri);
  let settled = false;
  let resolveCallback!: (params: URLSearchParams) => void;
  let rejectCallback!: (reason: unknown) => void;
  const callback = new Promise<URLSearchParams>((resolve, reject) => {
    resolveCallback = resolve;
    rejectCallback = reject;
  });
  // A rejection is reported to whoever awaits `callback`, whenever that is.
  callback.catch(() => {});
  const redirect = (location: string) =>
    new Response(null, { status: 307, headers: { Location: location, Connection: "close" } });

  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({
      hostname: endpoint.hostname,
      port: endpoint.port,
      onListen: () => {},
    }, (request) => {
      const url = new URL(request.url);
      if (settled || request.method !== "GET" || url.pathname !== endpoint.path) {
        return new Response("Not found\n", {
          status: 404,
          headers: { "Content-Type": "text/plain", Connection: "close" },
        });
      }
      settled = true;
      try {
        options.verify(url.searchParams);
      } catch (err) {
        rejectCallback(err);
        return redirect(options.errorUrl);
      }
      resolveCallback(url.searchParams);
      return redirect(options.successUrl);
    });
  } catch (err) {
    const reason = errorMessage(err);
    throw new AuthenticationError(
      `Cannot listen on ${endpoint.hostname}:${endpoint.port} for the login redirect ` +
        `(redirect_uri ${options.redirectUri}): ${reason}`,
    );
  }
  const bound = new URL(options.redirectUri);
  bound.port = String(server.addr.port);
  let closed: Promise<void> | undefined;
  return {
    redirectUri: endpoint.port === 0 ? bound.href : options.redirectUri,
    callback,
    close() {
      closed ??= server.shutdown();
      return closed;
    },
  };
}
