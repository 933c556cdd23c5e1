/**
 * The `api-key` check: a key is there, and from where (a variable, the configuration, a
 * keyring); it is a JWT; when it expires (a warning under 7 days); and whether this
 * machine's clock agrees with the site's `Date` header (a warning beyond 5 minutes),
 * since a wrong clock makes a key look expired or valid when it is not. The key itself
 * shows only its last 4 characters.
 * @module
 */
import type { Context } from "../context.ts";
import { redactSecret } from "../redact.ts";
import { apiKeyExpiry, decodeJwtPayload } from "../token/token_info.ts";
import { Findings } from "./check.ts";
import type { SiteSubject } from "./config_check.ts";
import type { StorageOutcome } from "./storage_check.ts";
import { atSite, sourceText } from "./places.ts";

/** Fewer days left than this is a warning. */
export const EXPIRY_WARNING_DAYS = 7;
/** A clock further from the site's than this is a warning. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

const DAY_MS = 24 * 3600 * 1000;

/** What the offline part of the check found, and the key the `account` check may send. */
export interface KeyExamination {
  findings: Findings;
  /** The key to send to the site; null when there is none worth sending. */
  key: string | null;
  /** Why there is no key to send (for the checks that need one). */
  missing: string | null;
  /** How to get a key the site accepts, for this key's source. */
  renewFix: string;
}

/** `3 s`, `12 min`, `2 h`, `40 days`: a span of time, rounded. */
export function span(ms: number): string {
  const secondsOf = Math.round(Math.abs(ms) / 1000);
  if (secondsOf < 90) return `${secondsOf} s`;
  if (secondsOf < 90 * 60) return `${Math.round(secondsOf / 60)} min`;
  if (secondsOf < 48 * 3600) return `${Math.round(secondsOf / 3600)} h`;
  return `${Math.round(secondsOf / 86400)} days`;
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** How to replace the key, where it comes from. */
function renewFixFor(subject: SiteSubject, fromConfig: boolean, home: string): string {
  const login = `anaconda login --force ${atSite(subject.config)}`;
  if (!fromConfig) return login;
  const { config, sources } = subject;
  const source = config.keyring !== null ? sources.keyring : sources.api_key;
  const field = config.keyring !== null ? "keyring" : "api_key";
  if (source.kind === "env") {
    return `set ${source.name} to a valid key, or unset it and run ${login}`;
  }
  return `replace ${field} in ${sourceText(source, home)}, or remove it and run ${login}`;
}

/** Looks at the key the storage check found (nothing is sent anywhere). */
export function examineApiKey(
  context: Context,
  subject: SiteSubject,
  storage: StorageOutcome,
): KeyExamination {
  const findings = new Findings();
  const { config } = subject;
  const home = context.homeDir();
  const { lookup } = storage;
  const fromConfig = lookup?.fromConfig ?? false;
  const renewFix = renewFixFor(subject, fromConfig, home);
  const login = `anaconda login ${atSite(config)}`;
  const none = (why: string, text: string, fix: string): KeyExamination => {
    findings.fail(text, fix);
    return { findings, key: null, missing: why, renewFix };
  };
  if (lookup === null) {
    return none(
      "the key could not be read (see storage)",
      `the key could not be looked up: ${storage.lookupError ?? "unknown error"}`,
      "fix the storage problem first (see storage)",
    );
  }
  if (lookup.status === "unreadable") {
    return none(
      "the stored key cannot be read (see api-key)",
      `${lookup.reason} (${lookup.storage})`,
      `anaconda login --force ${atSite(config)}`,
    );
  }
  const key = lookup.status === "found" ? lookup.info.api_key : null;
  if (key === null || key === "") {
    return none(
      "no API key (see api-key)",
      `no API key for ${config.domain} (looked in the ${lookup.storage})`,
      `${login}, or set ANACONDA_AUTH_API_KEY`,
    );
  }
  const where = fromConfig
    ? sourceText(config.keyring !== null ? subject.sources.keyring : subject.sources.api_key, home)
    : `the ${lookup.storage}`;
  const shown = `key ${redactSecret(key)} from ${where}`;
  const expiry = apiKeyExpiry(key);
  if (expiry === null) {
    const notJwt = decodeJwtPayload(key) === null ? "not a JWT" : "a JWT without exp";
    // A configured key is sent as it is (the site decides); a stored one is not used.
    if (fromConfig) {
      findings.warn(`${shown} is ${notJwt}: its expiry cannot be checked`, renewFix);
      return { findings, key, missing: null, renewFix };
    }
    return none(
      "the stored key is not a valid API key (see api-key)",
      `${shown} is ${notJwt}, so it is not a valid API key`,
      renewFix,
    );
  }
  const left = expiry.getTime() - context.clock.now();
  if (left <= 0) {
    return none(
      "the API key has expired (see api-key)",
      `${shown} expired on ${day(expiry)} (${span(left)} ago)`,
      fromConfig ? renewFix : login,
    );
  }
  if (left < EXPIRY_WARNING_DAYS * DAY_MS) {
    findings.warn(`${shown} expires on ${day(expiry)} (in ${span(left)})`, renewFix);
  } else {
    findings.ok(`${shown}, expires on ${day(expiry)} (in ${span(left)})`);
  }
  return { findings, key, missing: null, renewFix };
}

/** Compares this machine's clock with the site's `Date` header (ms; null: none came). */
export function compareClocks(findings: Findings, serverDate: number | null, now: number): void {
  if (serverDate === null) {
    findings.ok("clock not compared (no answer from the site)");
    return;
  }
  const skew = now - serverDate;
  if (Math.abs(skew) > MAX_CLOCK_SKEW_MS) {
    findings.warn(
      `this machine's clock is ${span(skew)} ${
        skew > 0 ? "ahead of" : "behind"
      } the site's (its Date header): keys may look expired, or valid when they are not`,
      "set the clock right, e.g. turn on time synchronisation: sudo timedatectl set-ntp true",
    );
  } else {
    findings.ok(`clock within ${span(skew)} of the site's`);
  }
}
