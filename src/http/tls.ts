/**
 * How requests reach a site: TLS verification (`ssl_verify`), client certificates
 * and proxies, turned into a `fetch` function (SPEC Part A A3, Part A' TLS).
 *
 * - `ssl_verify = true`: Deno's default roots (Mozilla's, or the OS store when the
 *   process runs with `DENO_TLS_CA_STORE=system`).
 * - a CA bundle path: its certificates are trusted in addition, through
 *   `Deno.createHttpClient({ caCerts })`.
 * - `"truststore"`: the OS trust store. Deno reads `DENO_TLS_CA_STORE` when it first
 *   builds its root store (lazily, at the first TLS connection of the process), so it is
 *   set to `system` before any connection; on Linux the system bundle is also passed as
 *   `caCerts`, which works even when a connection was already made.
 * - `false`: no verification. `fetch` has no switch for that, so those requests go
 *   through `node:https` with `rejectUnauthorized: false` (loaded only then).
 * @module
 */
import { ConfigError, errorMessage } from "../errors.ts";
import type { Context } from "../context.ts";
import type { SiteConfig } from "../config/schema.ts";
import type { ProxyChoice } from "./proxy.ts";
import { readTextBounded } from "../files.ts";

/** What goes into `Deno.createHttpClient`, or the insecure transport. */
export interface TlsSettings {
  /** No certificate verification at all (`ssl_verify = false`). */
  insecure: boolean;
  /** Extra trusted roots (PEM). */
  caCerts: string[];
  /** Client certificate and key (PEM), for mutual TLS. */
  cert?: string;
  key?: string;
  /** Use the OS trust store (`ssl_verify = "truststore"`). */
  truststore: boolean;
}

/**
 * A way to send requests, one at a time: a redirect is returned, not followed (the
 * client follows redirects itself, the same way for every transport). `close()` frees
 * its connections.
 */
export interface Transport {
  fetch(url: string, init: RequestInit): Promise<Response>;
  close(): void;
}

/** Where Linux distributions keep the system CA bundle (as Go's crypto/x509 looks). */
const LINUX_BUNDLES = [
  "/etc/ssl/certs/ca-certificates.crt",
  "/etc/pki/tls/certs/ca-bundle.crt",
  "/etc/ssl/ca-bundle.pem",
  "/etc/pki/tls/cacert.pem",
  "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
  "/etc/ssl/cert.pem",
];

/** Far above any real CA bundle (the system one is about 200 KB): a bound on the read. */
const MAX_PEM_BYTES = 16 * 1024 * 1024;

/** The text of a PEM file: a bounded read of a regular file, or a `ConfigError` saying why not. */
async function readPem(path: string, what: string, field: string): Promise<string> {
  let text: string | null;
  try {
    text = await readTextBounded(path, MAX_PEM_BYTES);
  } catch (err) {
    const reason = err instanceof Deno.errors.PermissionDenied
      ? "permission denied"
      : err instanceof Deno.errors.IsADirectory
      ? "it is a folder"
      : errorMessage(err);
    throw new ConfigError(`Cannot read the ${what} ${path} (${field}): ${reason}`);
  }
  if (text === null) {
    throw new ConfigError(`Cannot read the ${what} ${path} (${field}): no such file`);
  }
  return text;
}

/**
 * The certificates of a CA bundle (`ssl_verify = <path>`): a bounded read of a regular
 * file that holds at least one PEM certificate, else a `ConfigError` that names `field`.
 */
export async function readCaBundle(path: string, field = "ssl_verify"): Promise<string> {
  const pem = await readPem(path, "CA bundle", field);
  if (!hasBlock(pem, CERTIFICATE)) {
    throw new ConfigError(`The CA bundle ${path} (${field}) holds no PEM certificate`);
  }
  return pem;
}

function hasBlock(pem: string, kind: RegExp): boolean {
  return kind.test(pem);
}

const CERTIFICATE = /-----BEGIN CERTIFICATE-----/;

/** The private-key block of a PEM text (a client cert file may hold both). */
function privateKeyBlock(pem: string): string | undefined {
  return /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----/.exec(pem)
    ?.[0];
}

async function systemBundle(context: Context): Promise<string[]> {
  if (context.os !== "linux") return [];
  const candidates = [context.env.get("SSL_CERT_FILE"), ...LINUX_BUNDLES];
  for (const path of candidates) {
    if (!path) continue;
    try {
      const text = await Deno.readTextFile(path);
      if (hasBlock(text, CERTIFICATE)) return [text];
    } catch { /* try the next one */ }
  }
  return [];
}

let storeSelected = false;

/** Makes Deno's root store the OS one (effective before the first TLS connection). */
function useSystemStore(): void {
  if (storeSelected) return;
  storeSelected = true;
  try {
    const current = Deno.env.get("DENO_TLS_CA_STORE");
    if (!current || !current.split(",").includes("system")) {
      Deno.env.set("DENO_TLS_CA_STORE", "system");
    }
  } catch { /* no --allow-env: the Linux bundle below still applies */ }
}

/** Reads the CA bundle and client certificate files named by the config. */
export async function tlsSettings(context: Context, config: SiteConfig): Promise<TlsSettings> {
  const settings: TlsSettings = { insecure: false, caCerts: [], truststore: false };
  const verify = config.ssl_verify;
  if (verify === false) {
    settings.insecure = true;
  } else if (verify === "truststore") {
    settings.truststore = true;
    useSystemStore();
    settings.caCerts.push(...await systemBundle(context));
  } else if (typeof verify === "string") {
    settings.caCerts.push(await readCaBundle(verify));
  }
  if (config.client_cert) {
    const cert = await readPem(config.client_cert, "client certificate", "client_cert");
    if (!hasBlock(cert, CERTIFICATE)) {
      throw new ConfigError(
        `The client certificate ${config.client_cert} (client_cert) holds no PEM certificate`,
      );
    }
    const key = config.client_cert_key
      ? await readPem(config.client_cert_key, "client certificate key", "client_cert_key")
      : cert;
    const keyBlock = privateKeyBlock(key);
    if (!keyBlock) {
      throw new ConfigError(
        config.client_cert_key
          ? `The key file ${config.client_cert_key} (client_cert_key) holds no PEM private key`
          : `The client certificate ${config.client_cert} holds no private key: set client_cert_key`,
      );
    }
    settings.cert = cert;
    settings.key = keyBlock;
  } else if (config.client_cert_key) {
    throw new ConfigError("client_cert_key is set but client_cert is not");
  }
  return settings;
}

/**
 * A transport for the given TLS settings and proxy. `baseFetch` (the context's fetch)
 * is used directly when no custom client is needed.
 */
export async function createTransport(
  settings: TlsSettings,
  proxy: ProxyChoice | null,
  baseFetch: typeof fetch,
): Promise<Transport> {
  if (settings.insecure) {
    const { insecureTransport } = await import("./insecure.ts");
    return insecureTransport({
      proxy,
      ...(settings.cert === undefined ? {} : { cert: settings.cert }),
      ...(settings.key === undefined ? {} : { key: settings.key }),
    });
  }
  const needsClient = settings.caCerts.length > 0 || settings.cert !== undefined ||
    proxy !== null;
  if (!needsClient) {
    return { fetch: (url, init) => baseFetch(url, init), close() {} };
  }
  const options: Deno.CreateHttpClientOptions & Partial<Deno.TlsCertifiedKeyPem> = {};
  if (settings.caCerts.length > 0) options.caCerts = settings.caCerts;
  if (proxy) {
    options.proxy = proxy.basicAuth
      ? { url: proxy.url, basicAuth: proxy.basicAuth }
      : { url: proxy.url };
  }
  let client: Deno.HttpClient;
  try {
    client = settings.cert !== undefined && settings.key !== undefined
      ? Deno.createHttpClient({ ...options, cert: settings.cert, key: settings.key })
      : Deno.createHttpClient(options);
  } catch (err) {
    const reason = errorMessage(err);
    throw new ConfigError(`Cannot use the TLS or proxy settings: ${reason}`);
  }
  return {
    fetch: (url, init) => baseFetch(url, { ...init, client }),
    close: () => client.close(),
  };
}
