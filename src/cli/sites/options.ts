/**
 * The options of `sites add` and `sites modify` (docs/behaviour.md, "Editing the configuration
 * file"), generated from the site fields of `config/schema.ts`, and their conversion into
 * site-table values.
 * @module
 */
import { flag, type OptionSpec, toggle, value } from "../framework/args.ts";
import { UsageError } from "../framework/errors.ts";
import { ConfigError, errorMessage } from "../../errors.ts";
import {
  coerceField,
  FIELD_NAMES,
  type FieldKind,
  type FieldName,
  FIELDS,
  TOKEN_STORAGES,
} from "../../config/schema.ts";
import { expandHome, isAbsolute, joinPath } from "../../path.ts";

/** The option name of a field: its own, else the field name with dashes. */
function optionName(field: FieldName): string {
  return FIELDS[field].option?.name ?? field.replaceAll("_", "-");
}

/** One option per field that has one, keyed by the field name, in field order. */
function fieldOptions(): Record<FieldName, OptionSpec> {
  const options: Partial<Record<FieldName, OptionSpec>> = {};
  for (const field of FIELD_NAMES) {
    const { kind, option } = FIELDS[field];
    if (!option) continue;
    const name = `--${optionName(field)}`;
    options[field] = kind === "bool" || kind === "ssl" ? toggle(name, option.help) : value(
      `${name} ${option.placeholder ?? "<value>"}`,
      option.help,
      kind === "storage" ? { choices: TOKEN_STORAGES } : {},
    );
  }
  return options as Record<FieldName, OptionSpec>;
}

/** The options of `sites add` and `sites modify`, in help order. */
export const SITE_OPTIONS = {
  name: value("--name <name>", "name of the site (default: its domain)"),
  default: toggle("--default", "make this the default site"),
  ...fieldOptions(),
  useTruststore: toggle("--use-truststore", "verify TLS certificates with the system trust store"),
  caBundle: value(
    "--ca-bundle <path>",
    "verify TLS certificates with this CA bundle (a PEM file), stored as ssl_verify",
  ),
  disableCondaAutoConfig: toggle(
    // The Python tool's option, accepted and ignored on purpose (docs/behaviour.md, "Kept on
    // purpose").
    "--disable-conda-auto-config",
    "accepted for compatibility; ignored",
  ),
};

/** `-y/--yes` and `--dry-run`. */
export const WRITE_OPTIONS = {
  yes: flag("-y, --yes", "write the changes without asking"),
  dryRun: flag("--dry-run", "print the changes as a diff and write nothing"),
};

/** The parsed site options: field values by field name, plus the options of their own. */
export type SiteInput =
  & Partial<Record<FieldName, string | boolean | string[]>>
  & { useTruststore?: boolean; caBundle?: string };

/**
 * `ssl_verify` from `--[no-]ssl-verify`, `--[no-]use-truststore` and `--ca-bundle`
 * (`caBundle`: the bundle's absolute path, which is returned as it is).
 */
export function sslVerifyValue(
  sslVerify: boolean | undefined,
  useTruststore: boolean | undefined,
  caBundle?: string,
): boolean | string | undefined {
  if (caBundle !== undefined) {
    const other = sslVerify === false
      ? "--no-ssl-verify"
      : useTruststore === true
      ? "--use-truststore"
      : undefined;
    if (other !== undefined) throw new UsageError(`Cannot set both --ca-bundle and ${other}`);
    return caBundle;
  }
  if (sslVerify === undefined && useTruststore === undefined) return undefined;
  if (useTruststore === true) {
    if (sslVerify === false) {
      throw new UsageError("Cannot set both --use-truststore and --no-ssl-verify");
    }
    return "truststore";
  }
  return sslVerify !== false;
}

export interface SiteValueContext {
  configPath: string;
  homeDir: string;
  /** The working folder: a relative `--ca-bundle` path is taken from here. */
  cwd: string;
  /** Warnings (stderr). */
  warn(text: string): void;
}

/**
 * A JSON option value; bad JSON is a usage error with the Python tool's message, which
 * shows the value unless it may hold credentials (headers, proxy URLs).
 */
function parseJsonOption(text: string, message: string, secret: boolean): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(message.replace("$value", secret ? "<redacted>" : text));
  }
}

/**
 * The site-table values given by the options, in the Python tool's key order. Bad
 * JSON is a usage error (exit 2); a value of the wrong type a config error (exit 1).
 */
export function siteValues(
  input: SiteInput,
  context: SiteValueContext,
): Partial<Record<FieldName, unknown>> {
  const values: Partial<Record<FieldName, unknown>> = {};
  for (const field of FIELD_NAMES) {
    const { kind, option, secret = false } = FIELDS[field];
    if (!option) continue;
    if (kind === "ssl") {
      // An absolute path: `--ca-bundle yes` names a file, never the word yes.
      const bundle = input.caBundle === undefined
        ? undefined
        : absolutePath(input.caBundle, context);
      const ssl = sslVerifyValue(input[field] as boolean | undefined, input.useTruststore, bundle);
      if (typeof ssl === "string") {
        values[field] = coerce(kind, ssl, context, "--ca-bundle");
      } else if (ssl !== undefined) values[field] = ssl;
      continue;
    }
    let raw: unknown = input[field];
    if (raw === undefined) continue;
    if (option.storedWarning) {
      context.warn(
        `WARNING: Your ${option.storedWarning} will be stored in ${context.configPath} and may not be secure\n`,
      );
    }
    if (option.jsonError && typeof raw === "string") {
      raw = parseJsonOption(raw, option.jsonError, secret);
    }
    values[field] = coerce(kind, raw, context, `--${optionName(field)}`);
  }
  return values;
}

/** `path` with `~` expanded, made absolute from the working folder. */
function absolutePath(path: string, context: SiteValueContext): string {
  const expanded = expandHome(path, context.homeDir);
  return isAbsolute(expanded) ? expanded : joinPath(context.cwd, expanded);
}

/** The field's value as the config file would hold it; a bad one is an error naming `option`. */
function coerce(
  kind: FieldKind,
  raw: unknown,
  context: SiteValueContext,
  option: string,
): unknown {
  try {
    return coerceField(kind, raw, { homeDir: context.homeDir, cwd: context.homeDir });
  } catch (err) {
    // A domain error already says what is wrong with the value (Python's message).
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`${errorMessage(err)} (${option})`);
  }
}

/**
 * Checks what `siteValues` cannot check synchronously: a CA bundle (`--ca-bundle`) is
 * read, bounded, and must hold a PEM certificate, as a configured `ssl_verify` path is.
 */
export async function checkSiteValues(values: Partial<Record<FieldName, unknown>>): Promise<void> {
  const ssl = values.ssl_verify;
  if (typeof ssl === "string" && ssl !== "truststore") {
    const { readCaBundle } = await import("../../http/tls.ts");
    await readCaBundle(ssl, "--ca-bundle");
  }
}
