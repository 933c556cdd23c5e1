/**
 * Requests without certificate verification (`ssl_verify = false`). Deno's `fetch` has
 * no per-request switch for that, so this sends them with `node:https` and
 * `rejectUnauthorized: false` (through an HTTP CONNECT tunnel when a proxy is set) and
 * turns the answer into a `Response`. Loaded only when a site has `ssl_verify = false`.
 * @module
 */
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
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

/** Opens a CONNECT tunnel through the proxy to `host:port`. */
export async function tunnel(
  proxy: ProxyChoice,
  target: URL,
  signal?: AbortSignal,
): Promise<Socket> {
  const http = await import("node:http");
  const proxyUrl = new URL(proxy.url);
  const authority = `${target.hostname}:${target.port || "443"}`;
  const headers: Record<string, string> = { host: authority };
  if (proxy.basicAuth) {
    const { username, password } = proxy.basicAuth;
    headers["proxy-authorization"] = `Basic ${btoa(`${username}:${password}`)}`;
  }
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
  let createConnection: (() => unknown) | undefined;
  let tunnelSocket: Socket | undefined;
  let target: URL | string = url;
  if (options.proxy && !secure) {
    // Plain HTTP through a proxy: the absolute URL goes to the proxy itself.
    const proxyUrl = new URL(options.proxy.url);
    target = `http://${proxyUrl.host}${url.pathname}`;
    headers.host = url.host;
  }
  if (options.proxy && secure) {
    tunnelSocket = await tunnel(options.proxy, url, signal);
    const tls = await import("node:tls");
    const socket = tunnelSocket;
    const isIp = /^[\d.]+$|:/.test(url.hostname);
    createConnection = () =>
      tls.connect({
        socket,
        rejectUnauthorized: false,
        ...(isIp ? {} : { servername: url.hostname }),
        ...(options.cert === undefined ? {} : { cert: options.cert }),
        ...(options.key === undefined ? {} : { key: options.key }),
      });
  }
  return await new Promise<Response>((resolve, reject) => {
    const outgoing = http.request(
      target,
      {
        method: request.method,
        headers,
        rejectUnauthorized: false,
        agent: false,
        ...(options.cert === undefined ? {} : { cert: options.cert }),
        ...(options.key === undefined ? {} : { key: options.key }),
        ...(createConnection === undefined ? {} : { createConnection }),
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
