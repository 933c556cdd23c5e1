/**
 * Requests without certificate verification (`ssl_verify = false`). Deno's `fetch` has
 * no per-request switch for that, so this sends them with `node:https` and
 * `rejectUnauthorized: false` and turns the answer into a `Response`. Loaded only when a
 * site has `ssl_verify = false`.
 *
 * Through a proxy, an HTTPS request goes through an HTTP CONNECT tunnel: the TLS
 * connection is made over the tunnel's socket and handed to `node:https` by an agent's
 * `createConnection` (Deno ignores the request option of that name, which would let the
 * request bypass the proxy and go straight to the target).
 * @module
 */
import type { Agent, IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import { basicAuthorization } from "../base64.ts";
import { ConfigError } from "../errors.ts";
import type { ProxyChoice } from "./proxy.ts";
import type { Transport } from "./tls.ts";

export interface InsecureOptions {
  proxy: ProxyChoice | null;
  cert?: string;
  key?: string;
}

function headerPairs(message: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = message.rawHeaders;
  for (let index = 0; index + 1 < raw.length; index += 2) {
    headers.append(raw[index] ?? "", raw[index + 1] ?? "");
  }
  return headers;
}

/**
 * The message body as a web stream: paused while the reader is not asking (so a fast
 * server cannot fill memory), and quiet once cancelled (Node may still emit `end`).
 */
function bodyStream(message: IncomingMessage): ReadableStream<Uint8Array> {
  let open = true;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const finish = (action: () => void) => {
        if (!open) return;
        open = false;
        action();
      };
      message.on("data", (chunk: Uint8Array) => {
        if (!open) return;
        controller.enqueue(new Uint8Array(chunk));
        if ((controller.desiredSize ?? 0) <= 0) message.pause();
      });
      message.on("end", () => finish(() => controller.close()));
      message.on("error", (err: Error) => finish(() => controller.error(err)));
      message.on("aborted", () => finish(() => controller.error(new Error("connection reset"))));
      message.pause();
    },
    pull() {
      message.resume();
    },
    cancel() {
      open = false;
      message.destroy();
    },
  });
}

function toResponse(message: IncomingMessage, method: string): Response {
  const status = message.statusCode ?? 0;
  const init = { status, statusText: message.statusMessage ?? "", headers: headerPairs(message) };
  const empty = method === "HEAD" || status === 204 || status === 304 ||
    (status >= 100 && status < 200);
  if (empty) {
    message.resume();
    return new Response(null, init);
  }
  return new Response(bodyStream(message), init);
}

/** `Proxy-Authorization` for the proxy's credentials, if it has any. */
function proxyAuthorization(proxy: ProxyChoice): Record<string, string> {
  if (!proxy.basicAuth) return {};
  const { username, password } = proxy.basicAuth;
  return { "proxy-authorization": basicAuthorization(username, password) };
}

/** The proxy's URL, refused when it is not a plain HTTP proxy (all this transport speaks). */
function httpProxyUrl(proxy: ProxyChoice): URL {
  const proxyUrl = new URL(proxy.url);
  if (proxyUrl.protocol !== "http:") {
    throw new ConfigError(
      `The proxy ${proxy.url} cannot be used with ssl_verify = false: ` +
        "only http:// proxies can be (turn verification on to use it)",
    );
  }
  return proxyUrl;
}

/** Opens a CONNECT tunnel through the proxy to `host:port`. */
export async function tunnel(
  proxy: ProxyChoice,
  target: URL,
  signal?: AbortSignal,
): Promise<Socket> {
  const http = await import("node:http");
  const proxyUrl = httpProxyUrl(proxy);
  const authority = `${target.hostname}:${target.port || "443"}`;
  const headers: Record<string, string> = { host: authority, ...proxyAuthorization(proxy) };
  return await new Promise<Socket>((resolve, reject) => {
    const request = http.request({
      host: proxyUrl.hostname,
      port: Number(proxyUrl.port || "80"),
      method: "CONNECT",
      path: authority,
      headers,
    });
    const onAbort = () => request.destroy(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    request.on("connect", (response: IncomingMessage, socket: Socket) => {
      signal?.removeEventListener("abort", onAbort);
      if (response.statusCode !== 200) {
        socket.destroy();
        reject(new Error(`proxy CONNECT failed: ${response.statusCode} ${response.statusMessage}`));
        return;
      }
      resolve(socket);
    });
    request.on("error", (err: Error) => {
      signal?.removeEventListener("abort", onAbort);
      reject(err);
    });
    request.end();
  });
}

/**
 * An agent whose only connection is `connect()`: how `node:https` is made to speak over a
 * socket it did not open (the TLS connection through a proxy's tunnel).
 */
async function tunnelAgent(connect: () => Socket): Promise<Agent> {
  const https = await import("node:https");
  class TunnelAgent extends https.Agent {
    override createConnection(): Socket {
      return connect();
    }
  }
  return new TunnelAgent({ keepAlive: false });
}

async function sendOnce(
  url: URL,
  request: Request,
  body: Uint8Array | null,
  options: InsecureOptions,
): Promise<Response> {
  const secure = url.protocol === "https:";
  const http = secure ? await import("node:https") : await import("node:http");
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => headers[name] = value);
  if (body !== null) headers["content-length"] = String(body.byteLength);
  const signal = request.signal;
  let agent: Agent | false = false;
  let tunnelSocket: Socket | undefined;
  let target: URL | string = url;
  if (options.proxy && !secure) {
    // Plain HTTP through a proxy: the absolute URL goes to the proxy itself.
    const proxyUrl = httpProxyUrl(options.proxy);
    target = `http://${proxyUrl.host}${url.pathname}`;
    headers.host = url.host;
    Object.assign(headers, proxyAuthorization(options.proxy));
  }
  if (options.proxy && secure) {
    tunnelSocket = await tunnel(options.proxy, url, signal);
    const tls = await import("node:tls");
    const socket = tunnelSocket;
    const isIp = /^[\d.]+$|:/.test(url.hostname);
    agent = await tunnelAgent(() =>
      tls.connect({
        socket,
        rejectUnauthorized: false,
        ...(isIp ? {} : { servername: url.hostname }),
        ...(options.cert === undefined ? {} : { cert: options.cert }),
        ...(options.key === undefined ? {} : { key: options.key }),
      }) as unknown as Socket
    );
  }
  return await new Promise<Response>((resolve, reject) => {
    const outgoing = http.request(
      target,
      {
        method: request.method,
        headers,
        rejectUnauthorized: false,
        agent,
        ...(options.cert === undefined ? {} : { cert: options.cert }),
        ...(options.key === undefined ? {} : { key: options.key }),
        ...(typeof target === "string" ? { path: url.href } : {}),
      } as Parameters<typeof import("node:https").request>[1],
      (message: IncomingMessage) => {
        signal.removeEventListener("abort", onAbort);
        const response = toResponse(message, request.method);
        Object.defineProperty(response, "url", { value: url.href });
        resolve(response);
      },
    );
    const onAbort = () => {
      outgoing.destroy();
      tunnelSocket?.destroy();
      reject(signal.reason);
    };
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener("abort", onAbort, { once: true });
    outgoing.on("error", (err: Error) => {
      signal.removeEventListener("abort", onAbort);
      tunnelSocket?.destroy();
      reject(err);
    });
    outgoing.end(body ?? undefined);
  });
}

/** Sends one request; redirects are returned, not followed (the client follows them). */
async function insecureFetch(
  input: string,
  init: RequestInit,
  options: InsecureOptions,
): Promise<Response> {
  const request = new Request(input, init);
  const body = request.body ? new Uint8Array(await request.arrayBuffer()) : null;
  return await sendOnce(new URL(request.url), request, body, options);
}

/** A transport that skips certificate verification. */
export function insecureTransport(options: InsecureOptions): Transport {
  return {
    fetch: (url, init) => insecureFetch(url, init, options),
    close() {},
  };
}
