/**
 * A minimal HTTP CONNECT proxy on 127.0.0.1 for the tests: it records the tunnels it
 * opens and the `Proxy-Authorization` it gets, and resolves made-up host names from its
 * own table, so that a target named that way can be reached only through it.
 * @module
 */

export interface ConnectProxyOptions {
  /** Host names only this proxy knows: `{ "only-via-proxy.invalid": "127.0.0.1" }`. */
  hosts?: Record<string, string>;
}

export interface ConnectProxy {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `CONNECT host:port` of each tunnel, in order. */
  tunnels: string[];
  /** The `Proxy-Authorization` header of each tunnel ("" when none). */
  authorizations: string[];
  close(): Promise<void>;
}

/** Starts the proxy; `close()` stops it and its tunnels. */
export function connectProxy(options: ConnectProxyOptions = {}): ConnectProxy {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const tunnels: string[] = [];
  const authorizations: string[] = [];
  const conns: Deno.Conn[] = [];
  const pipes: Promise<unknown>[] = [];
  const serving = (async () => {
    for await (const conn of listener) {
      conns.push(conn);
      pipes.push(
        (async () => {
          const buffer = new Uint8Array(8192);
          const read = await conn.read(buffer);
          const head = new TextDecoder().decode(buffer.subarray(0, read ?? 0));
          const target = head.split(" ")[1] ?? "";
          tunnels.push(`${head.split(" ")[0]} ${target}`);
          authorizations.push(/^proxy-authorization:\s*(.*?)\r?$/im.exec(head)?.[1] ?? "");
          const [hostname = "", port] = target.split(":");
          const upstream = await Deno.connect({
            hostname: options.hosts?.[hostname] ?? hostname,
            port: Number(port),
          });
          conns.push(upstream);
          await conn.write(new TextEncoder().encode("HTTP/1.1 200 Connection established\r\n\r\n"));
          await Promise.all([
            conn.readable.pipeTo(upstream.writable).catch(() => {}),
            upstream.readable.pipeTo(conn.writable).catch(() => {}),
          ]);
        })().catch(() => {}),
      );
    }
  })();
  return {
    url: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`,
    tunnels,
    authorizations,
    async close() {
      listener.close();
      await serving.catch(() => {});
      for (const conn of conns) {
        try {
          conn.close();
        } catch { /* already closed */ }
      }
      await Promise.all(pipes);
    },
  };
}
