/**
 * The `storage` check: which store holds the site's key and whether it can be reached
 * (`secret-tool` and a D-Bus session, `security`, the Credential Manager), whether the
 * file keyring stands in for the OS keyring, and the file keyring itself: its folder
 * 0700, the file 0600, its JSON readable. Nothing is written: a corrupt keyring is
 * reported, not moved aside, and then not read through the store.
 * @module
 */
import type { Context } from "../context.ts";
import { errorMessage, StoreError } from "../errors.ts";
import { FileTooLargeError, readTextBounded } from "../files.ts";
import { dirName } from "../path.ts";
import { MAX_KEYRING_BYTES, parseKeyring } from "../store/file_keyring.ts";
import { KEYRING_SERVICE, StoreUnavailableError } from "../store/secret_store.ts";
import { openSystemStore } from "../store/token_store.ts";
import { hasConfigToken, lookupToken, type TokenLookup } from "../token/tokens.ts";
import { type CheckResult, Findings } from "./check.ts";
import type { SiteSubject } from "./config_check.ts";
import { atSite, setSetting, shortPath, sourceText } from "./places.ts";

/** What the storage check found, for the `api-key` check. */
export interface StorageOutcome {
  result: CheckResult;
  /** The site's token as the commands find it; null when it could not be looked up. */
  lookup: TokenLookup | null;
  /** Why it could not be looked up. */
  lookupError: string | null;
  /** Whether the file keyring may be read through the store (it is not corrupt). */
  keyringReadable: boolean;
}

function octal(mode: number): string {
  return `0${(mode & 0o777).toString(8)}`;
}

/** Where to switch to the file keyring, for the fixes of an OS keyring that cannot be used. */
function useFileInstead(subject: SiteSubject, home: string): string {
  const { settings, config, sources } = subject;
  return `or ${
    setSetting(settings, config, "preferred_token_storage", sources.preferred_token_storage, {
      toml: '"anaconda-keyring"',
      text: "anaconda-keyring",
    }, home)
  }`;
}

/** How to make the OS keyring of `os` usable. */
function systemStoreFix(os: Context["os"], subject: SiteSubject, home: string): string {
  const instead = useFileInstead(subject, home);
  switch (os) {
    case "darwin":
      return `check that /usr/bin/security runs and the login keychain is unlocked, ${instead}`;
    case "windows":
      return `run with --allow-ffi so that the Credential Manager can be used, ${instead}`;
    default:
      return "install secret-tool (Debian/Ubuntu: sudo apt install libsecret-tools) and run a " +
        `Secret Service such as gnome-keyring in a D-Bus session, ${instead}`;
  }
}

/** What the file keyring looks like: whether it may be read, and how it is when it is fine. */
interface FileKeyringState {
  /** False when it cannot be read or is corrupt: the store must not touch it. */
  readable: boolean;
  /** `valid JSON, 0600 in a 0700 folder`; null when there is no file (or it is not fine). */
  detail: string | null;
}

/** The file keyring: readable, valid JSON, 0600 in a 0700 folder. */
async function checkFileKeyring(
  findings: Findings,
  subject: SiteSubject,
  context: Context,
): Promise<FileKeyringState> {
  const path = subject.config.keyring_path;
  const home = context.homeDir();
  const shown = shortPath(path, home);
  const loginFix = `anaconda login ${atSite(subject.config)}`;
  let text: string | null;
  try {
    text = await readTextBounded(path, MAX_KEYRING_BYTES);
  } catch (err) {
    const why = err instanceof FileTooLargeError
      ? `larger than ${MAX_KEYRING_BYTES / 1024 / 1024} MiB`
      : err instanceof Deno.errors.PermissionDenied
      ? "permission denied"
      : errorMessage(err);
    findings.fail(
      `the file keyring ${shown} cannot be read (${why})`,
      `check the file: ls -l ${shown}`,
    );
    return { readable: false, detail: null };
  }
  // Not created yet: the first login makes it, 0600.
  if (text === null) return { readable: true, detail: null };
  const parsed = parseKeyring(text);
  if (parsed.kind === "corrupt") {
    findings.fail(
      `the file keyring ${shown} is corrupt (${parsed.reason})`,
      `${loginFix} moves it aside (kept as ${shown}.corrupt-<time>) and starts a new one`,
    );
    return { readable: false, detail: null };
  }
  if (context.os === "windows") return { readable: true, detail: "valid JSON" };
  const modes: string[] = [];
  try {
    const folder = dirName(path);
    const folderMode = (await Deno.stat(folder)).mode;
    const fileMode = (await Deno.stat(path)).mode;
    if (fileMode !== null && (fileMode & 0o077) !== 0) {
      findings.warn(
        `${shown} is ${octal(fileMode)}: other users can read your API keys`,
        `chmod 600 ${shown}`,
      );
    } else if (fileMode !== null) modes.push(octal(fileMode));
    if (folderMode !== null && (folderMode & 0o077) !== 0) {
      const folderShown = shortPath(folder, home);
      findings.warn(
        `the folder ${folderShown} is ${octal(folderMode)}: other users can look into it`,
        `chmod 700 ${folderShown}`,
      );
    } else if (folderMode !== null) modes.push(`in a ${octal(folderMode)} folder`);
  } catch (err) {
    findings.warn(`cannot read the modes of ${shown}: ${errorMessage(err)}`, `ls -ld ${shown}`);
  }
  return { readable: true, detail: ["valid JSON", modes.join(" ")].filter(Boolean).join(", ") };
}

/** The OS keyring, asked for the site's entry: can it be reached? */
async function checkSystemStore(
  findings: Findings,
  subject: SiteSubject,
  context: Context,
): Promise<void> {
  const home = context.homeDir();
  const file = shortPath(subject.config.keyring_path, home);
  try {
    const store = await openSystemStore(context, subject.config);
    await store.get(KEYRING_SERVICE, subject.config.domain);
    findings.ok(`the ${store.label} can be reached`);
  } catch (err) {
    if (err instanceof StoreUnavailableError) {
      findings.warn(
        `${err.message}; the file keyring ${file} is used instead`,
        systemStoreFix(context.os, subject, home),
      );
    } else if (err instanceof StoreError) {
      findings.fail(err.message, `unlock the keyring, ${useFileInstead(subject, home)}`);
    } else {
      throw err;
    }
  }
}

/** Runs the storage check and looks the site's token up for the `api-key` check. */
export async function checkStorage(
  context: Context,
  subject: SiteSubject,
): Promise<StorageOutcome> {
  const findings = new Findings();
  const { config, sources } = subject;
  const home = context.homeDir();
  const file = await checkFileKeyring(findings, subject, context);
  const keyringReadable = file.readable;
  const fileLabel = `file keyring ${shortPath(config.keyring_path, home)}`;
  if (config.preferred_token_storage === "system") {
    await checkSystemStore(findings, subject, context);
  }
  let lookup: TokenLookup | null = null;
  let lookupError: string | null = null;
  if (!keyringReadable && !hasConfigToken(config)) {
    lookupError = "the file keyring cannot be read (see storage)";
  } else {
    try {
      lookup = await lookupToken(context, config);
    } catch (err) {
      lookupError = errorMessage(err);
      findings.fail(
        `the key of ${config.domain} cannot be read: ${lookupError}`,
        `${useFileInstead(subject, home).replace(/^or /, "")}, then log in again`,
      );
    }
  }
  if (lookup !== null) {
    const where = lookup.fromConfig
      ? sourceText(config.keyring !== null ? sources.keyring : sources.api_key, home)
      : lookup.storage;
    const text = lookup.status === "missing"
      ? `nothing stored for ${config.domain} yet (a login stores it in the ${where})`
      : lookup.fromConfig
      ? `the key of ${config.domain} comes from ${where}, not a store`
      : `the key of ${config.domain} is in the ${where}${
        config.preferred_token_storage === "system" && where === fileLabel
          ? " (the fallback of the system keyring)"
          : ""
      }`;
    // First: which store holds the key is what this check is about.
    if (file.detail !== null && lookup.status !== "missing" && where === fileLabel) {
      findings.ok(`${text} (${file.detail})`, { first: true });
    } else {
      findings.ok(text, { first: true });
      if (file.detail !== null) findings.ok(`${fileLabel}: ${file.detail}`);
    }
  } else if (file.detail !== null) {
    findings.ok(`${fileLabel}: ${file.detail}`);
  }
  return { result: findings.result("storage"), lookup, lookupError, keyringReadable };
}
