/**
 * The options shared by `sites add` and `sites modify` (SPEC Part B §5.5), and their
 * conversion into site-table values.
 * @module
 */
import { Option } from "@commander-js/extra-typings";
import { UsageError } from "../errors.ts";
import {
  coerceField,
  type FieldKind,
  type FieldName,
  normalizeDomain,
} from "../../config/schema.ts";

/** The parsed options of `sites add` / `sites modify`. */
export interface SiteOptions {
  domain?: string;
  name?: string;
  default?: boolean;
  apiKey?: string;
  extraHeaders?: string;
  proxyServers?: string;
  clientCert?: string;
  clientCertKey?: string;
  sslVerify?: boolean;
  useTruststore?: boolean;
  useDeviceFlow?: boolean;
  useUnifiedRepoApiKey?: boolean;
  disableCondaAutoConfig?: boolean;
  preferredTokenStorage?: string;
  authDomainOverride?: string;
  keyring?: string;
  clientId?: string;
  redirectUri?: string;
  openidConfigPath?: string;
  oidcRequestHeaders?: string;
  loginSuccessPath?: string;
  loginErrorPath?: string;
  hashHostName?: boolean;
  yes?: boolean;
  dryRun?: boolean;
}

/** The order in which the Python tool writes a site's keys. */
export const WRITE_ORDER: FieldName[] = [
  "preferred_token_storage",
  "domain",
  "auth_domain_override",
  "api_key",
  "keyring",
  "ssl_verify",
  "extra_headers",
  "client_id",
  "redirect_uri",
  "openid_config_path",
  "oidc_request_headers",
  "login_success_path",
  "login_error_path",
  "use_unified_repo_api_key",
  "hash_hostname",
  "proxy_servers",
  "client_cert",
  "client_cert_key",
  "use_device_flow",
];

function hidden(option: Option): Option {
  return option.hideHelp();
}

/** The options of `sites add` and `sites modify`, in help order. */
export function siteOptions(): Option[] {
  return [
    new Option("--domain <domain>", "domain name of the site (default: anaconda.com)"),
    new Option("--name <name>", "name of the site (default: its domain)"),
    new Option("--default", "make this the default site"),
    new Option("--no-default", "do not make this the default site"),
    new Option("--api-key <key>", "API key of the site; CAUTION: it is written to config.toml"),
    hidden(
      new Option("--preferred-token-storage <storage>").choices(["system", "anaconda-keyring"]),
    ),
    hidden(new Option("--auth-domain-override <domain>")),
    hidden(new Option("--keyring <json>")),
    new Option("--ssl-verify", "verify TLS certificates"),
    new Option("--no-ssl-verify", "do not verify TLS certificates"),
    new Option("--use-truststore", "verify TLS certificates with the system trust store"),
    new Option("--no-use-truststore", "do not use the system trust store"),
    new Option("--extra-headers <json>", "extra HTTP headers for every request, as JSON"),
    hidden(new Option("--client-id <id>")),
    hidden(new Option("--redirect-uri <uri>")),
    hidden(new Option("--openid-config-path <path>")),
    hidden(new Option("--oidc-request-headers <json>")),
    hidden(new Option("--login-success-path <path>")),
    hidden(new Option("--login-error-path <path>")),
    new Option("--use-unified-repo-api-key", "use the API key for the package repository"),
    new Option("--no-use-unified-repo-api-key", "use repo tokens for the package repository"),
    hidden(new Option("--hash-host-name")),
    hidden(new Option("--no-hash-host-name")),
    new Option("--proxy-servers <json>", "proxy servers by scheme, as JSON"),
    new Option("--client-cert <path>", "client TLS certificate"),
    new Option("--client-cert-key <path>", "key of the client TLS certificate"),
    new Option("--use-device-flow", "log in with the device flow"),
    new Option("--no-use-device-flow", "log in with the browser flow"),
    new Option("--disable-conda-auto-config", "accepted for compatibility; ignored"),
    new Option("--no-disable-conda-auto-config", "accepted for compatibility; ignored"),
  ];
}

/** `-y/--yes` and `--dry-run`. */
export function writeOptions(): Option[] {
  return [
    new Option("-y, --yes", "write the changes without asking"),
    new Option("--dry-run", "print the changes as a diff and write nothing"),
  ];
}

/** `ssl_verify` from `--[no-]ssl-verify` and `--[no-]use-truststore`. */
export function sslVerifyValue(
  sslVerify: boolean | undefined,
  useTruststore: boolean | undefined,
): boolean | "truststore" | undefined {
  if (sslVerify === undefined && useTruststore === undefined) return undefined;
  if (useTruststore === true) {
    if (sslVerify === false) {
      throw new UsageError("Cannot set both --use-truststore and --no-ssl-verify");
    }
    return "truststore";
  }
  return sslVerify !== false;
}

function parseJsonOption(text: string, message: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(message);
  }
}

function checked(kind: FieldKind, value: unknown, flag: string, homeDir: string): unknown {
  try {
    return coerceField(kind, value, { homeDir, cwd: homeDir });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new UsageError(`${flag}: ${reason}`);
  }
}

/** `--extra-headers` / `--proxy-servers`: a JSON object of strings. */
function jsonDict(text: string, name: string, homeDir: string): unknown {
  const parsed = parseJsonOption(text, `${name}=${text} could not be parsed as JSON`);
  return checked("optional-string-dict", parsed, `--${name}`, homeDir);
}

export interface SiteValueContext {
  configPath: string;
  homeDir: string;
  /** Warnings (stderr). */
  warn(text: string): void;
}

/**
 * The site-table values given by the options, in the Python tool's key order. Bad
 * JSON and bad values are usage errors (exit 2), with the Python tool's messages.
 */
export function siteValues(
  options: SiteOptions,
  context: SiteValueContext,
): Partial<Record<FieldName, unknown>> {
  const values: Partial<Record<FieldName, unknown>> = {};
  const ssl = sslVerifyValue(options.sslVerify, options.useTruststore);
  if (ssl !== undefined) values.ssl_verify = ssl;
  if (options.domain !== undefined) values.domain = normalizeDomain(options.domain);
  if (options.apiKey !== undefined) {
    context.warn(
      `WARNING: Your API Key will be stored in ${context.configPath} and may not be secure\n`,
    );
    values.api_key = options.apiKey;
  }
  if (options.extraHeaders !== undefined) {
    values.extra_headers = jsonDict(options.extraHeaders, "extra-headers", context.homeDir);
  }
  if (options.proxyServers !== undefined) {
    values.proxy_servers = jsonDict(options.proxyServers, "proxy-servers", context.homeDir);
  }
  if (options.clientCert !== undefined) values.client_cert = options.clientCert;
  if (options.clientCertKey !== undefined) values.client_cert_key = options.clientCertKey;
  if (options.useDeviceFlow !== undefined) values.use_device_flow = options.useDeviceFlow;
  if (options.useUnifiedRepoApiKey !== undefined) {
    values.use_unified_repo_api_key = options.useUnifiedRepoApiKey;
  }
  if (options.preferredTokenStorage !== undefined) {
    values.preferred_token_storage = options.preferredTokenStorage;
  }
  if (options.authDomainOverride !== undefined) {
    values.auth_domain_override = checked(
      "optional-domain",
      options.authDomainOverride,
      "--auth-domain-override",
      context.homeDir,
    );
  }
  if (options.keyring !== undefined) {
    context.warn(
      `WARNING: Your Keyring contents will be stored in ${context.configPath} and may not be secure\n`,
    );
    const parsed = parseJsonOption(
      options.keyring,
      "The keyring argument could not be parsed as JSON",
    );
    values.keyring = checked("keyring", parsed, "--keyring", context.homeDir);
  }
  if (options.clientId !== undefined) values.client_id = options.clientId;
  if (options.redirectUri !== undefined) values.redirect_uri = options.redirectUri;
  if (options.openidConfigPath !== undefined) values.openid_config_path = options.openidConfigPath;
  if (options.oidcRequestHeaders !== undefined) {
    const parsed = parseJsonOption(
      options.oidcRequestHeaders,
      "The oidc-request-headers argument could not be parsed as JSON",
    );
    values.oidc_request_headers = checked(
      "string-dict",
      parsed,
      "--oidc-request-headers",
      context.homeDir,
    );
  }
  if (options.loginSuccessPath !== undefined) values.login_success_path = options.loginSuccessPath;
  if (options.loginErrorPath !== undefined) values.login_error_path = options.loginErrorPath;
  if (options.hashHostName !== undefined) values.hash_hostname = options.hashHostName;
  const ordered: Partial<Record<FieldName, unknown>> = {};
  for (const field of WRITE_ORDER) {
    if (Object.hasOwn(values, field)) ordered[field] = values[field];
  }
  return ordered;
}
