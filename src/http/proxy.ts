/**
 * Which proxy a request goes through, the way Python `requests` decides: the config's
 * `proxy_servers` (keys `scheme://host`, `scheme`, `all://host`, `all`) first, then the
 * `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY` environment (lower case wins) unless
 * `NO_PROXY` lists the host.
 * @module
 */
import { ConfigError } from "../errors.ts";

/** A proxy for `Deno.createHttpClient`: credentials taken out of the URL. */
export interface ProxyChoice {
  /** `http://host:port` (or `https://`, `socks5://`), without user info. */
  url: string;
  basicAuth?: { username: string; password: string };
}

export interface ProxyEnv {
  get(name: string): string | undefined;
}

/** The variable's value (lower case name first) and the name it came from. */
function envEntry(env: ProxyEnv, name: string): { name: string; value: string } | undefined {
  const lower = env.get(name.toLowerCase());
  const [used, value] = lower === undefined
    ? [name.toUpperCase(), env.get(name.toUpperCase())]
    : [name.toLowerCase(), lower];
  return value === undefined || value.trim() === ""
    ? undefined
    : { name: used, value: value.trim() };
}

function ipv4ToNumber(address: string): number | null {
  const parts = address.split(".");
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return null;
    value = value * 256 + Number(part);
  }
  return value;
}

/** Whether `NO_PROXY` (comma or space separated) excludes `host[:port]`. */
export function bypassesProxy(hostname: string, port: string, noProxy: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  for (const raw of noProxy.split(/[\s,]+/)) {
    let entry = raw.trim().toLowerCase();
    if (entry === "") continue;
    if (entry === "*") return true;
    const cidr = /^(\d+\.\d+\.\d+\.\d+)\/(\d{1,2})$/.exec(entry);
    if (cidr) {
      const network = ipv4ToNumber(cidr[1] ?? "");
      const address = ipv4ToNumber(host);
      const bits = Number(cidr[2]);
      if (network !== null && address !== null && bits <= 32) {
        const size = 2 ** (32 - bits);
        if (Math.floor(address / size) === Math.floor(network / size)) return true;
      }
      continue;
    }
    const withPort = /^(.*):(\d+)$/.exec(entry);
    if (withPort && !entry.includes("]") && (withPort[1] ?? "").includes(":") === false) {
      if (withPort[2] !== port) continue;
      entry = withPort[1] ?? "";
    }
    entry = entry.replace(/^\[|\]$/g, "").replace(/^\*?\./, ".");
    if (entry.startsWith(".")) {
      if (host.endsWith(entry) || host === entry.slice(1)) return true;
    } else if (host === entry || host.endsWith(`.${entry}`)) {
      return true;
    }
  }
  return false;
}

/**
 * Splits `user:pass@` out of a proxy URL and adds `http://` when no scheme is given.
 * `source` (the env variable or config key) is named when the URL is not valid.
 */
export function parseProxyUrl(value: string, source = "proxy"): ProxyChoice {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  let parsed: URL;
  try {
    parsed = new URL(withScheme);
  } catch {
    // Credentials in the URL stay out of the message.
    // Up to the last `@`: a password may itself hold `@`, `/` or `#`.
    const shown = value.replace(/^([a-z][a-z0-9+.-]*:\/\/)?.*@/is, "$1***@");
    throw new ConfigError(`The proxy URL ${shown} (${source}) is not valid`);
  }
  const choice: ProxyChoice = { url: `${parsed.protocol}//${parsed.host}` };
  if (parsed.username || parsed.password) {
    choice.basicAuth = {
      username: decodeURIComponent(parsed.username),
      password: decodeURIComponent(parsed.password),
    };
  }
  return choice;
}

/** The entry of `NO_PROXY` that excludes `host[:port]`, or null when none does. */
export function noProxyEntry(hostname: string, port: string, noProxy: string): string | null {
  return noProxy.split(/[\s,]+/).find((entry) => bypassesProxy(hostname, port, entry)) ?? null;
}

/** Which proxy a URL goes through, and why (for `auth doctor`). */
export interface ProxyDecision {
  /** The proxy, or null for a direct connection. */
  proxy: ProxyChoice | null;
  /** Where the proxy came from: `proxy_servers https`, `HTTPS_PROXY`...; null without one. */
  source: string | null;
  /** The `NO_PROXY` variable (its name as set, its value), when it is set. */
  noProxy: { name: string; value: string } | null;
  /** The `NO_PROXY` entry that sent the URL around the proxy, if one did. */
  bypassedBy: string | null;
}

/** `selectProxy`, with where its answer came from. */
export function explainProxy(
  url: string,
  proxyServers: Record<string, string> | null,
  env: ProxyEnv,
): ProxyDecision {
  const target = new URL(url);
  const scheme = target.protocol.replace(/:$/, "");
  const host = target.hostname;
  const noProxy = envEntry(env, "no_proxy") ?? null;
  const decision = { noProxy, bypassedBy: null };
  if (proxyServers) {
    for (const key of [`${scheme}://${host}`, scheme, `all://${host}`, "all"]) {
      const value = proxyServers[key];
      const source = `proxy_servers ${key}`;
      if (value) return { ...decision, proxy: parseProxyUrl(value, source), source };
    }
  }
  const port = target.port || (scheme === "https" ? "443" : "80");
  const bypassedBy = noProxy === null ? null : noProxyEntry(host, port, noProxy.value);
  if (bypassedBy !== null) return { ...decision, proxy: null, source: null, bypassedBy };
  const entry = envEntry(env, `${scheme}_proxy`) ?? envEntry(env, "all_proxy");
  return entry === undefined
    ? { ...decision, proxy: null, source: null }
    : { ...decision, proxy: parseProxyUrl(entry.value, entry.name), source: entry.name };
}

/**
 * The proxy for `url`, or null for a direct connection. `proxyServers` is the
 * config's `proxy_servers`; `env` gives the proxy environment variables.
 */
export function selectProxy(
  url: string,
  proxyServers: Record<string, string> | null,
  env: ProxyEnv,
): ProxyChoice | null {
  return explainProxy(url, proxyServers, env).proxy;
}
