/**
 * What `auth doctor` reports: the checks' ids, their statuses, and the result of each
 * check; plus `Findings`, which gathers what one check found and makes its one-line
 * summary and its fix.
 * @module
 */

/** `ok`; `warn`: works, but should be fixed; `fail`: does not work; `skip`: not checked. */
export type CheckStatus = "ok" | "warn" | "fail" | "skip";

/** The checks, in the order they are reported. */
export const CHECK_IDS = [
  "config",
  "storage",
  "api-key",
  "network",
  "tls",
  "auth-service",
  "account",
  "conda",
  "anaconda.org",
] as const;

/** The stable id of a check. */
export type CheckId = typeof CHECK_IDS[number];

/** The outcome of one check. */
export interface CheckResult {
  /** The check's stable id. */
  id: CheckId;
  /** What the check found. */
  status: CheckStatus;
  /** One line: what was found (for `skip`, why it was not checked). */
  summary: string;
  /**
   * What to do, unless the status is `ok` (or `skip`): a command to run, or a setting to
   * change and the file it lives in; one line per problem. Null when there is nothing to do.
   */
  fix: string | null;
}

/** Everything `auth doctor` found about the selected site. */
export interface Diagnosis {
  /** False when any check failed (warnings allowed). */
  ok: boolean;
  /** The selected site's name; null when the configuration could not be read. */
  site: string | null;
  /** The selected site's domain; null when the configuration could not be read. */
  domain: string | null;
  /** One result per check, in the order of `CHECK_IDS`. */
  checks: CheckResult[];
}

/** A check that was not run, and why. */
export function skipped(id: CheckId, why: string): CheckResult {
  return { id, status: "skip", summary: `not checked: ${why}`, fix: null };
}

interface Finding {
  status: "ok" | "warn" | "fail";
  text: string;
  fix: string | null;
}

/**
 * What one check found, item by item. Its result is the worst status; the summary is
 * the problems when there are any (else everything found), joined with `; `; the fix
 * is the problems' fixes, one per line.
 */
export class Findings {
  #items: Finding[] = [];

  /** Something that is as it should be; `first` puts it before what was found so far. */
  ok(text: string, options: { first?: boolean } = {}): void {
    const item: Finding = { status: "ok", text, fix: null };
    if (options.first) this.#items.unshift(item);
    else this.#items.push(item);
  }

  /** Something that works but should be fixed. */
  warn(text: string, fix: string): void {
    this.#items.push({ status: "warn", text, fix });
  }

  /** Something that does not work. */
  fail(text: string, fix: string): void {
    this.#items.push({ status: "fail", text, fix });
  }

  /** Whether anything failed so far. */
  get failed(): boolean {
    return this.#items.some((item) => item.status === "fail");
  }

  /** The check's result. */
  result(id: CheckId): CheckResult {
    const status = this.#items.some((item) => item.status === "fail")
      ? "fail"
      : this.#items.some((item) => item.status === "warn")
      ? "warn"
      : "ok";
    const shown = status === "ok"
      ? this.#items
      : this.#items.filter((item) => item.status !== "ok");
    const fixes = [...new Set(shown.flatMap((item) => item.fix === null ? [] : [item.fix]))];
    return {
      id,
      status,
      summary: shown.map((item) => item.text).join("; "),
      fix: fixes.length === 0 ? null : fixes.join("\n"),
    };
  }
}
