/**
 * The `network` check: the site's host resolves and takes a TCP connection; with a
 * proxy, the proxy does, and lets a tunnel to the site through (`CONNECT`). It says
 * which proxy applies and where it was set, and which `NO_PROXY` entry matched, or
 * that none did. Each step is bounded by the site's `timeout`.
 * @module
 */
import type { Context } from "../context.ts";
import { errorMessage } from "../errors.ts";
import { explainProxy, type ProxyChoice, type ProxyDecision } from "../http/proxy.ts";
import { basicAuthorization } from "../base64.ts";
import { bounded, type Budget, DoctorTimeout } from "./budget.ts";
import { type CheckResult, Findings } from "./check.ts";
import type { SiteSubject } from "./config_check.ts";
import { atSite } from "./places.ts";

/** What the network check found, for the checks that need the site reachable. */
export interface NetworkOutcome {
  result: CheckResult;
  /** Why the site cannot be reached, ending `(see network)`; null when it can. */
  unreachable: string | null;
  /** The proxy decision (null when the proxy settings are invalid). */
  decision: ProxyDecision | null;
}

/** The most bytes of a proxy's answer to `CONNECT` that are read. */
const MAX_PROXY_ANSWER = 8 * 1024;

const DEFAULT_PORTS: Record<string, number> = {
  "http:": 80,
  "https:": 443,
  "socks5:": 1080,
  "socks5h:": 1080,
};

/** A host and port to connect to. */
interface Endpoint {
  host: string;
  port: number;
}

function endpointOf(url: URL): Endpoint {
  return {
    host: url.hostname.replace(/^\[|\]$/g, ""),
    port: Number(url.port || DEFAULT_PORTS[url.protocol] || 443),
  };
}

function isIpAddress(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(":");
}

function hostPort({ host, port }: Endpoint): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Why a step failed, in a few words. */
function reasonOf(err: unknown): string {
  if (err instanceof DoctorTimeout) return err.message;
  if (err instanceof Deno.errors.ConnectionRefused) return "connection refused";
  const code = (err as { code?: unknown }).code;
  return typeof code === "string" && !errorMessage(err).includes(code)
    ? `${code}: ${errorMessage(err)}`
    : errorMessage(err);
}

/** The addresses of `host` (the system resolver, as connections use it). */
async function resolve(host: string, budget: Budget): Promise<string[]> {
  if (isIpAddress(host)) return [host];
  const { lookup } = await import("node:dns/promises");
  const found = await bounded(budget, () => lookup(host, { all: true, verbatim: true }));
  return found.map((entry) => entry.address);
}

/** A TCP connection to the first address that takes one. */
async function connect(addresses: string[], port: number, budget: Budget): Promise<Deno.Conn> {
  let last: unknown = new Error("no address");
  for (const hostname of addresses) {
    try {
      return await bounded(budget, async (signal) => {
        const conn = await Deno.connect({ hostname, port });
        // Too late: the step is over, nobody will close it.
        if (signal.aborted) {
          conn.close();
          throw signal.reason;
        }
        return conn;
      });
    } catch (err) {
      last = err;
      if (err instanceof DoctorTimeout) break;
    }
  }
  throw last;
}

/** Sends `CONNECT target` through an open connection to a proxy; its status and reason. */
async function tunnelStatus(
  conn: Deno.Conn,
  proxy: ProxyChoice,
  target: Endpoint,
  budget: Budget,
): Promise<{ status: number; reason: string }> {
  const authority = hostPort(target);
  const headers = [`CONNECT ${authority} HTTP/1.1`, `Host: ${authority}`];
  if (proxy.basicAuth) {
    const { username, password } = proxy.basicAuth;
    headers.push(`Proxy-Authorization: ${basicAuthorization(username, password)}`);
  }
  const request = new TextEncoder().encode(`${headers.join("\r\n")}\r\n\r\n`);
  return await bounded(budget, async () => {
    for (let written = 0; written < request.length;) {
      written += await conn.write(request.subarray(written));
    }
    const buffer = new Uint8Array(MAX_PROXY_ANSWER);
    let filled = 0;
    let text = "";
    while (!text.includes("\r\n") && filled < buffer.length) {
      const read = await conn.read(buffer.subarray(filled));
      if (read === null) break;
      filled += read;
      text = new TextDecoder().decode(buffer.subarray(0, filled));
    }
    const line = text.split("\r\n")[0] ?? "";
    const status = Number(/^HTTP\/\d(?:\.\d)? (\d{3})/.exec(line)?.[1] ?? 0);
    if (status === 0) throw new Error(`the proxy did not answer HTTP (${JSON.stringify(line)})`);
    return { status, reason: line.replace(/^HTTP\/\S+\s+\d{3}\s*/, "") };
  });
}

/** Where a proxy came from, and what NO_PROXY said: `from HTTPS_PROXY; NO_PROXY is not set`. */
function proxyOrigin(decision: ProxyDecision, host: string): string {
  const { source, noProxy } = decision;
  if (source?.startsWith("proxy_servers")) return `from ${source}, whatever NO_PROXY says`;
  return noProxy === null
    ? `from ${source}; NO_PROXY is not set`
    : `from ${source}; no entry of ${noProxy.name}=${noProxy.value} matches ${host}`;
}

/** How a direct connection was decided. */
function directText(decision: ProxyDecision, host: string): string {
  const { bypassedBy, noProxy } = decision;
  if (bypassedBy !== null && noProxy !== null) {
    return `direct: the ${noProxy.name} entry "${bypassedBy}" matches ${host}`;
  }
  return "direct (no proxy set)";
}

/** Runs the network check for the site's domain. */
export async function checkNetwork(
  context: Context,
  subject: SiteSubject,
  budget: Budget,
): Promise<NetworkOutcome> {
  const findings = new Findings();
  const { config } = subject;
  const siteUrl = new URL(`https://${config.domain}/`);
  const site = endpointOf(siteUrl);
  const shownSite = hostPort(site);
  let decision: ProxyDecision;
  try {
    decision = explainProxy(siteUrl.href, config.proxy_servers, context.env);
  } catch (err) {
    findings.fail(
      errorMessage(err),
      "correct the proxy URL where it is set (http://[user:password@]host:port)",
    );
    return {
      result: findings.result("network"),
      unreachable: "no usable proxy (see network)",
      decision: null,
    };
  }
  const { proxy, source } = decision;
  const target = proxy === null ? site : endpointOf(new URL(proxy.url));
  const what = proxy === null
    ? shownSite
    : `the proxy ${proxy.url} (${proxyOrigin(decision, site.host)})`;
  const direct = directText(decision, site.host);
  const shown = `anaconda sites show ${atSite(config)}`;
  const siteFix = `check the domain of the site (${shown})`;
  const proxyFix = `check the proxy URL in ${source}, or go around the proxy for ${site.host}: ` +
    `add it to NO_PROXY`;

  let addresses: string[];
  try {
    addresses = await resolve(target.host, budget);
  } catch (err) {
    findings.fail(
      proxy === null
        ? `cannot resolve ${target.host} (${reasonOf(err)}); ${direct}`
        : `cannot resolve the host of ${what} (${reasonOf(err)})`,
      proxy === null
        ? `${siteFix}; if it is right, check this machine's DNS, or set HTTPS_PROXY if the ` +
          "network needs a proxy"
        : proxyFix,
    );
    return {
      result: findings.result("network"),
      unreachable: `${target.host} cannot be resolved (see network)`,
      decision,
    };
  }
  const started = context.clock.now();
  let conn: Deno.Conn;
  try {
    conn = await connect(addresses, target.port, budget);
  } catch (err) {
    findings.fail(
      proxy === null
        ? `no TCP connection to ${shownSite} (${reasonOf(err)}); ${direct}`
        : `no TCP connection to ${what}: ${reasonOf(err)}`,
      proxy === null
        ? `check that the site is up and that its domain and port are right (${shown}); a ` +
          "firewall may block it, or the network may need a proxy (HTTPS_PROXY)"
        : proxyFix,
    );
    return {
      result: findings.result("network"),
      unreachable: `${what} cannot be reached (see network)`,
      decision,
    };
  }
  const ms = context.clock.now() - started;
  try {
    const named = target.host === addresses[0] ? "" : ` (${addresses[0]})`;
    if (proxy === null || !proxy.url.startsWith("http://")) {
      findings.ok(
        proxy === null
          ? `TCP connection to ${hostPort(target)}${named} in ${ms} ms; ${direct}`
          : `TCP connection to ${what} in ${ms} ms`,
      );
    } else {
      let answer: { status: number; reason: string };
      try {
        answer = await tunnelStatus(conn, proxy, site, budget);
      } catch (err) {
        findings.fail(
          `${what} did not open a tunnel to ${shownSite}: ${reasonOf(err)}`,
          proxyFix,
        );
        return {
          result: findings.result("network"),
          unreachable: "the proxy failed (see network)",
          decision,
        };
      }
      if (answer.status !== 200) {
        findings.fail(
          `${what} refused CONNECT ${shownSite}: ${answer.status} ${answer.reason}`.trimEnd(),
          answer.status !== 407
            ? proxyFix
            : proxy.basicAuth
            ? `the proxy does not accept the user name and password in its URL: correct them in ${source}`
            : `the proxy wants credentials: put them in its URL in ${source} ` +
              "(http://user:password@host:port)",
        );
        return {
          result: findings.result("network"),
          unreachable: "the proxy refused (see network)",
          decision,
        };
      }
      findings.ok(`${what} opened a tunnel to ${shownSite}`);
    }
  } finally {
    try {
      conn.close();
    } catch { /* already closed */ }
  }
  return { result: findings.result("network"), unreachable: null, decision };
}
