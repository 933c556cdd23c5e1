/**
 * How requests reach a site: TLS verification (`ssl_verify`), client certificates
 * and proxies, turned into a `fetch` function.
 *
 * - `ssl_verify = true`: Deno's default roots.
 * - a CA bundle path: its certificates are trusted in addition, through
 *   `Deno.createHttpClient({ caCerts })`; a folder of CA files (OpenSSL's `capath`,
 *   which `requests` and so conda accept) gives the certificates of its files.
 * - `"truststore"`: the OS trust store's roots, read explicitly (`system_roots.ts`) and
 *   passed as `caCerts` the same way; nothing process-wide changes.
 * - `false`: no verification. `fetch` has no switch for that, so those requests go
 *   through `node:https` with `rejectUnauthorized: false` (loaded only then).
 *
 * Every certificate file is read bounded, and only when it is a regular file.
 * @module
 */
import { ConfigError, errorMessage } from "../errors.ts";
import type { Context } from "../context.ts";
import type { SiteConfig } from "../config/schema.ts";
import { readPemFile } from "./pem_file.ts";
import type { ProxyChoice } from "./proxy.ts";

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

/** The text of a PEM file named by `field`; a missing file is a `ConfigError` too. */
async function readPem(path: string, what: string, field: string): Promise<string> {
  const text = await readPemFile(path, what, field);
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

/** At most this many files of a CA folder are read. */
const MAX_CA_FOLDER_FILES = 1000;

/** The PEM texts with certificates among the regular files of the CA folder `path`. */
async function readCaFolder(path: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(path)) {
    if (!entry.isDirectory) names.push(entry.name);
  }
  const pems: string[] = [];
  for (const name of names.sort().slice(0, MAX_CA_FOLDER_FILES)) {
    try {
      const text = await readPemFile(`${path}/${name}`, "CA file", "ssl_verify");
      if (text !== null && hasBlock(text, CERTIFICATE)) pems.push(text);
    } catch { /* not a readable CA file: skip it, as OpenSSL does */ }
  }
  return pems;
}

async function isFolder(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch {
    return false;
  }
}

/** Reads the CA bundle and client certificate files named by the config. */
export async function tlsSettings(context: Context, config: SiteConfig): Promise<TlsSettings> {
  const settings: TlsSettings = { insecure: false, caCerts: [], truststore: false };
  const verify = config.ssl_verify;
  if (verify === false) {
    settings.insecure = true;
  } else if (verify === "truststore") {
    settings.truststore = true;
    const { systemRootCertificates } = await import("./system_roots.ts");
    settings.caCerts.push(...await systemRootCertificates(context));
  } else if (typeof verify === "string" && await isFolder(verify)) {
    const pems = await readCaFolder(verify).catch((err) => {
      throw new ConfigError(
        `Cannot read the CA folder ${verify} (ssl_verify): ${errorMessage(err)}`,
      );
    });
    if (pems.length === 0) {
      throw new ConfigError(`The CA folder ${verify} (ssl_verify) holds no PEM certificate`);
    }
    settings.caCerts.push(...pems);
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
