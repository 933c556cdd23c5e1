/**
 * The settings of a site (`[plugin.auth]`, `[sites.<name>]`, `ANACONDA_AUTH_*`): their types,
 * defaults and validation (docs/behaviour.md, "Site fields" and "Configuration sources and
 * precedence"; D3).
 * @module
 */
import { ConfigError } from "../errors.ts";
import { expandHome, isAbsolute, joinPath } from "../path.ts";
import { escapeControl, hasControlChars } from "../text.ts";
import { VERSION } from "../version.ts";
import { DEFAULT_DOMAIN, DEFAULT_TOKEN_STORAGE, defaultKeyringPath } from "./locations.ts";

/**
 * The values of `preferred_token_storage`: the store backends (src/store/token_store.ts)
 * and the `sites --preferred-token-storage` choices follow this list.
 */
export const TOKEN_STORAGES = ["system", "anaconda-keyring"] as const;

/** `system` (the OS keyring) or `anaconda-keyring` (the file `~/.anaconda/keyring`). */
export type TokenStorage = typeof TOKEN_STORAGES[number];

/** A keyring given inline in the config: `{service: {account: base64 value}}`. */
export type InlineKeyring = Record<string, Record<string, string>>;

/** The effective settings of one site. Field names are the config keys. */
export interface SiteConfig {
  /** The site's key in `[sites]`, or the domain when no site table matched. */
  site: string;
  /** The site's domain: host[:port] (default `anaconda.com`). */
  domain: string;
  /** The domain of the login service, when it is not `domain`. */
  auth_domain_override: string | null;
  /** Where API keys are stored: the file keyring or the OS keyring. */
  preferred_token_storage: TokenStorage;
  /** An API key given in the configuration; it wins over the stored one. */
  api_key: string | null;
  /** A keyring given in the configuration (read-only). */
  keyring: InlineKeyring | null;
  /** Absolute path of the file keyring. */
  keyring_path: string;
  /** true / false, `"truststore"` (the OS trust store) or the path of a CA bundle. */
  ssl_verify: boolean | string;
  /** Extra headers for every request. */
  extra_headers: Record<string, string> | null;
  /** The OAuth client ID of the login flows. */
  client_id: string;
  /** Where the browser flow's login redirects (a local port). */
  redirect_uri: string;
  /** The path of the OIDC discovery document on the auth domain. */
  openid_config_path: string;
  /** Headers of the OIDC requests (kept for compatibility). */
  oidc_request_headers: Record<string, string>;
  /** The page the browser is sent to after a successful login. */
  login_success_path: string;
  /** The page the browser is sent to after a failed login. */
  login_error_path: string;
  /** Use the API key, not repo tokens, for the package repository. */
  use_unified_repo_api_key: boolean;
  /** Send the hostname hashed in `X-Client-Hostname`. */
  hash_hostname: boolean;
  /** Proxy URLs by scheme (`http`, `https`). */
  proxy_servers: Record<string, string> | null;
  /** A client TLS certificate (PEM file). */
  client_cert: string | null;
  /** The key of the client TLS certificate (PEM file). */
  client_cert_key: string | null;
  /** Log in with the device flow (else the browser flow). */
  use_device_flow: boolean;
  /** The time limit of a whole HTTP request (connect, redirects, body), in seconds (D38). */
  timeout: number;
  /** The conda channel of the environment manager (Python tool only). */
  env_manager_channel: string;
  /** The environment manager's package (Python tool only). */
  env_manager_package: string;
  /** The environment manager's version spec (Python tool only). */
  env_manager_version: string | null;
}

export type FieldName = Exclude<keyof SiteConfig, "site">;

/** How a raw value (TOML value, or string from env/.env/secrets) becomes a field value. */
export type FieldKind =
  | "string"
  | "optional-string"
  | "credential"
  | "domain"
  | "optional-domain"
  | "bool"
  | "storage"
  | "ssl"
  | "path"
  | "string-dict"
  | "optional-string-dict"
  | "keyring"
  | "seconds"
  | "version-spec";

/**
 * The `sites add/modify` option that sets a field: `--<field with dashes>`, a
 * `--[no-]x` toggle for booleans, else an option with a value.
 */
export interface SiteOption {
  /** Help text; without it the option is accepted but hidden. */
  help?: string;
  /** The option's name when it is not the field's (`hash-host-name`). */
  name?: string;
  /** The value's placeholder in help (`<json>`); none for toggles. */
  placeholder?: string;
  /** The value is JSON; the Python tool's message when it does not parse (`$value`: the value). */
  jsonError?: string;
  /** Warns that the value will be written to config.toml, naming it so. */
  storedWarning?: string;
}

export interface FieldSpec {
  kind: FieldKind;
  /**
   * Never shown in messages: an error names the source but not the value (keys, and
   * headers and proxy URLs, whose values may hold credentials).
   */
  secret?: boolean;
  /** Hidden from `sites show` unless `--show-hidden`. */
  hidden?: boolean;
  /** The option of `sites add/modify` that sets it; none: not settable there. */
  option?: SiteOption;
}

/**
 * Every site field, in the order the Python tool writes a site's keys (also the order
 * of `sites show` and of the `sites add/modify` options).
 */
export const FIELDS: Record<FieldName, FieldSpec> = {
  preferred_token_storage: {
    kind: "storage",
    hidden: true,
    option: { placeholder: "<storage>" },
  },
  domain: {
    kind: "domain",
    option: { help: "domain name of the site", placeholder: "<domain>" },
  },
  auth_domain_override: {
    kind: "optional-domain",
    hidden: true,
    option: { placeholder: "<domain>" },
  },
  api_key: {
    kind: "credential",
    hidden: true,
    secret: true,
    option: {
      help: "API key of the site; CAUTION: it is written to config.toml",
      placeholder: "<key>",
      // "API Key" capitalised, as the Python tool prints it (docs/behaviour.md, "Kept on purpose").
      storedWarning: "API Key",
    },
  },
  keyring: {
    kind: "keyring",
    hidden: true,
    secret: true,
    option: {
      placeholder: "<json>",
      jsonError: "The keyring argument could not be parsed as JSON",
      storedWarning: "Keyring contents",
    },
  },
  ssl_verify: { kind: "ssl", option: { help: "verify TLS certificates" } },
  extra_headers: {
    kind: "optional-string-dict",
    secret: true,
    option: {
      help: "extra HTTP headers for every request, as JSON",
      placeholder: "<json>",
      // The option name without dashes, then the raw value: the Python tool's words
      // (docs/behaviour.md, "Kept on purpose").
      jsonError: "extra-headers=$value could not be parsed as JSON",
    },
  },
  client_id: { kind: "string", hidden: true, option: { placeholder: "<id>" } },
  redirect_uri: { kind: "string", hidden: true, option: { placeholder: "<uri>" } },
  openid_config_path: { kind: "string", hidden: true, option: { placeholder: "<path>" } },
  oidc_request_headers: {
    kind: "string-dict",
    hidden: true,
    secret: true,
    option: {
      placeholder: "<json>",
      jsonError: "The oidc-request-headers argument could not be parsed as JSON",
    },
  },
  login_success_path: { kind: "string", hidden: true, option: { placeholder: "<path>" } },
  login_error_path: { kind: "string", hidden: true, option: { placeholder: "<path>" } },
  use_unified_repo_api_key: {
    kind: "bool",
    option: { help: "use the API key (not repo tokens) for the package repository" },
  },
  // The Python tool's option name, kept on purpose (docs/behaviour.md, "Kept on purpose").
  hash_hostname: { kind: "bool", hidden: true, option: { name: "hash-host-name" } },
  proxy_servers: {
    kind: "optional-string-dict",
    secret: true,
    option: {
      help: "proxy servers by scheme, as JSON",
      placeholder: "<json>",
      // The option name without dashes, then the raw value: the Python tool's words
      // (docs/behaviour.md, "Kept on purpose").
      jsonError: "proxy-servers=$value could not be parsed as JSON",
    },
  },
  client_cert: {
    kind: "optional-string",
    option: { help: "client TLS certificate", placeholder: "<path>" },
  },
  client_cert_key: {
    kind: "optional-string",
    option: { help: "key of the client TLS certificate", placeholder: "<path>" },
  },
  use_device_flow: {
    kind: "bool",
    option: { help: "log in with the device flow (else the browser flow)" },
  },
  keyring_path: { kind: "path", hidden: true },
  timeout: {
    kind: "seconds",
    hidden: true,
    option: { help: "time limit of each HTTP request, in seconds", placeholder: "<seconds>" },
  },
  env_manager_channel: { kind: "string", hidden: true },
  env_manager_package: { kind: "string", hidden: true },
  env_manager_version: { kind: "version-spec", hidden: true },
};

export const FIELD_NAMES = Object.keys(FIELDS) as FieldName[];

/** Field defaults; `keyring_path` depends on the home folder. */
export function defaultSiteConfig(homeDir: string): Omit<SiteConfig, "site"> {
  return {
    domain: DEFAULT_DOMAIN,
    auth_domain_override: null,
    preferred_token_storage: DEFAULT_TOKEN_STORAGE,
    api_key: null,
    keyring: null,
    keyring_path: defaultKeyringPath(homeDir),
    ssl_verify: true,
    extra_headers: null,
    client_id: "b4ad7f1d-c784-46b5-a9fe-106e50441f5a",
    redirect_uri: "http://127.0.0.1:8000/auth/oidc",
    openid_config_path: "/.well-known/openid-configuration",
    oidc_request_headers: { "User-Agent": `anaconda-auth/${VERSION}` },
    login_success_path: "/app/local-login-success",
    login_error_path: "/app/local-login-error",
    use_unified_repo_api_key: false,
    hash_hostname: true,
    proxy_servers: null,
    client_cert: null,
    client_cert_key: null,
    use_device_flow: true,
    timeout: 30,
    env_manager_channel: "anaconda-cloud",
    env_manager_package: "anaconda-env-manager",
    env_manager_version: null,
  };
}

/** Where a value came from, so that errors and `sites show` can say it. */
export type Source =
  | { kind: "env"; name: string }
  | { kind: "dotenv"; path: string; name: string }
  | { kind: "secret"; path: string }
  | { kind: "file"; path: string; table: string; key: string }
  | { kind: "option"; name: string }
  | { kind: "default" };

export function describeSource(source: Source): string {
  switch (source.kind) {
    case "env":
      return `environment variable ${source.name}`;
    case "dotenv":
      return `${source.path} for ${source.name}`;
    case "secret":
      return `secrets file ${source.path}`;
    case "file":
      return `${source.path} in [${source.table}] for ${source.key}`;
    case "option":
      return `option ${source.name}`;
    case "default":
      return "the default value";
  }
}

/** A host name in ASCII: letters, digits, `.`, `-` and `_` (most domains). */
const ASCII_HOST_NAME = /^[A-Za-z0-9._-]+$/;
/**
 * A host name: letters (any script), digits, `.`, `-` and `_`. Made on first use: V8
 * builds the class from ICU tables when it creates it (about 0.6 ms), and the hot
 * commands load this module.
 */
let hostName: RegExp | undefined;

function isHostName(host: string): boolean {
  if (ASCII_HOST_NAME.test(host)) return true;
  hostName ??= /^[\p{L}\p{M}\p{N}._-]+$/u;
  return hostName.test(host);
}
const IPV6_LITERAL = /^\[[0-9A-Fa-f:.]+\]$/;

/**
 * Keeps only host[:port] of a domain or URL: `https://foo.com/api/bar` -> `foo.com`,
 * `http://localhost:8000/` -> `localhost:8000`, `[::1]:8080` stays. Anything that
 * would not make a valid `https://<domain>/` URL is a `ConfigError` that says why.
 */
export function normalizeDomain(value: string): string {
  const withScheme = /^https?:\/\//i.test(value) ? value : `https://${value}`;
  const match = /^https?:\/\/([^/?#]*)/i.exec(withScheme);
  const netloc = (match?.[1] ?? "").replace(/^[^@]*@/, "");
  const fail = (why?: string): never => {
    const detail = why === undefined ? "" : `: ${why}`;
    throw new ConfigError(`${escapeControl(value)} does not look like a domain name${detail}`);
  };
  if (netloc === "") fail();
  const [, host = "", port] = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/s.exec(netloc) ?? [];
  if (host === "") fail("the host name is missing");
  if (host.startsWith("[")) {
    if (!IPV6_LITERAL.test(host)) fail("an IPv6 address is written in brackets, like [::1]");
  } else if (!isHostName(host)) {
    fail('a host name has only letters, digits, ".", "-" and "_"');
  }
  const portNumber = port === undefined ? 443 : /^\d{1,5}$/.test(port) ? Number(port) : 0;
  if (portNumber < 1 || portNumber > 65535) fail("the port must be a number from 1 to 65535");
  try {
    new URL(`https://${netloc}/`);
  } catch {
    fail("it is not a valid host name or IP address");
  }
  return netloc;
}

const TRUE_WORDS = new Set(["true", "1", "yes", "on", "t", "y"]);
const FALSE_WORDS = new Set(["false", "0", "no", "off", "f", "n"]);

/** Parses a boolean word (any case); undefined when it is not one. */
export function parseBoolWord(value: string): boolean | undefined {
  const word = value.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return undefined;
}

/** `'a', 'b' or 'c'`, as pydantic lists the allowed values of a literal. */
function oneOf(values: readonly string[]): string {
  const quoted = values.map((value) => `'${value}'`);
  const last = quoted.pop();
  return quoted.length === 0 ? `${last}` : `${quoted.join(", ")} or ${last}`;
}

function asStringDict(value: unknown): Record<string, string> {
  const parsed = typeof value === "string" ? parseJson(value) : value;
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new Error("Input should be a JSON object of strings");
  }
  const dict: Record<string, string> = {};
  for (const [key, inner] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof inner !== "string") throw new Error(`Input should be a string for key ${key}`);
    dict[key] = inner;
  }
  return dict;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error("Input is not valid JSON");
  }
}

/** What is at a path: a regular file, nothing, or something else (a folder, a FIFO, a device). */
export type PathKind = "file" | "missing" | "other";

/** What coercion needs besides the value. */
export interface CoerceOptions {
  homeDir: string;
  cwd: string;
  /** What is at a CA bundle path (unit tests pass a fake). */
  pathKind?: (path: string) => PathKind;
}

function defaultPathKind(path: string): PathKind {
  try {
    return Deno.statSync(path).isFile ? "file" : "other";
  } catch (err) {
    // Another failure (no permission...) is the reader's to report, naming the cause.
    return err instanceof Deno.errors.NotFound ? "missing" : "file";
  }
}

/** Converts a raw value to the field's type; throws an Error whose message says why not. */
export function coerceField(kind: FieldKind, raw: unknown, options: CoerceOptions): unknown {
  switch (kind) {
    case "string":
    case "optional-string":
      if (raw === null && kind === "optional-string") return null;
      if (typeof raw !== "string") throw new Error("Input should be a valid string");
      return raw;
    case "credential": {
      if (raw === null) return null;
      if (typeof raw !== "string") throw new Error("Input should be a valid string");
      // Surrounding whitespace (a final newline) is dropped, as HTTP drops it from a header.
      const key = raw.trim();
      if (/\s/.test(key) || hasControlChars(key)) {
        throw new Error("the key holds spaces or control characters, which no key has");
      }
      return key;
    }
    case "domain":
    case "optional-domain":
      if (raw === null && kind === "optional-domain") return null;
      if (typeof raw !== "string") throw new Error("Input should be a valid string");
      return normalizeDomain(raw);
    case "bool": {
      if (typeof raw === "boolean") return raw;
      const parsed = typeof raw === "string" ? parseBoolWord(raw) : undefined;
      if (parsed === undefined) {
        throw new Error("Input should be a valid boolean, unable to interpret input");
      }
      return parsed;
    }
    case "storage":
      if ((TOKEN_STORAGES as readonly unknown[]).includes(raw)) return raw;
      throw new Error(`Input should be ${oneOf(TOKEN_STORAGES)}`);
    case "ssl": {
      if (typeof raw === "boolean") return raw;
      if (typeof raw !== "string") {
        throw new Error("Input should be a boolean, 'truststore' or the path of a CA bundle");
      }
      const word = parseBoolWord(raw);
      if (word !== undefined) return word;
      if (raw.trim().toLowerCase() === "truststore") return "truststore";
      const expanded = expandHome(raw, options.homeDir);
      const path = isAbsolute(expanded) ? expanded : joinPath(options.cwd, expanded);
      const kind = (options.pathKind ?? defaultPathKind)(path);
      if (kind !== "file") {
        const what = kind === "missing" ? "does not exist" : "is not a regular file";
        throw new Error(`CA bundle ${raw} ${what} (use true, false, truststore or a file path)`);
      }
      return path;
    }
    case "path": {
      if (typeof raw !== "string") throw new Error("Input should be a valid path");
      const expanded = expandHome(raw, options.homeDir);
      return isAbsolute(expanded) ? expanded : joinPath(options.cwd, expanded);
    }
    case "string-dict":
      return asStringDict(raw);
    case "optional-string-dict":
      return raw === null ? null : asStringDict(raw);
    case "keyring": {
      if (raw === null) return null;
      const parsed = typeof raw === "string" ? parseJson(raw) : raw;
      if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
        throw new Error("Input should be a JSON object of {service: {account: value}}");
      }
      const keyring: InlineKeyring = {};
      for (const [service, accounts] of Object.entries(parsed as Record<string, unknown>)) {
        keyring[service] = asStringDict(accounts);
      }
      return keyring;
    }
    case "seconds": {
      const number = typeof raw === "number" ? raw : typeof raw === "string" ? Number(raw) : NaN;
      if (!Number.isFinite(number) || number <= 0) {
        throw new Error("Input should be a positive number of seconds");
      }
      return number;
    }
    case "version-spec": {
      if (raw === null) return null;
      if (typeof raw !== "string") throw new Error("Input should be a valid string");
      return /^[>=<!]/.test(raw) ? raw : `=${raw}`;
    }
  }
}

/** The domain used for login endpoints. */
export function authDomain(config: SiteConfig): string {
  return config.auth_domain_override ?? config.domain;
}

/** `https://<auth_domain><openid_config_path>`. */
export function wellKnownUrl(config: SiteConfig): string {
  return new URL(config.openid_config_path, `https://${authDomain(config)}`).href;
}

export function loginSuccessUrl(config: SiteConfig): string {
  return new URL(config.login_success_path, `https://${config.domain}`).href;
}

export function loginErrorUrl(config: SiteConfig): string {
  return new URL(config.login_error_path, `https://${config.domain}`).href;
}

/** Turns a coercion failure into a `ConfigError` that names the source of the value. */
export function invalidValue(
  source: Source,
  raw: unknown,
  reason: string,
  secret = false,
): ConfigError {
  const shown = secret
    ? "<redacted>"
    : escapeControl(typeof raw === "string" ? raw : JSON.stringify(raw));
  if (source.kind === "env") {
    return new ConfigError(`Error in environment variable ${source.name}=${shown}: ${reason}`);
  }
  if (source.kind === "file") {
    return new ConfigError(
      `Error in ${source.path} in [${source.table}] for ${source.key} = ${shown}: ${reason}`,
    );
  }
  return new ConfigError(`Error in ${describeSource(source)} (${shown}): ${reason}`);
}
