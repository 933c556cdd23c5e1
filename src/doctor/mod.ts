/**
 * `anaconda auth doctor` as a library function: checks the selected site's
 * configuration, key storage, API key, network, TLS, login service and account, and
 * conda's and anaconda.org's set-up, and says for each what is wrong and how to fix it.
 * The checks themselves are loaded when `diagnose` runs.
 *
 * @example
 * ```ts
 * import { diagnose } from "./mod.ts";
 * const diagnosis = await diagnose({ at: "work" });
 * for (const check of diagnosis.checks) {
 *   if (check.status !== "ok") console.log(check.id, check.summary, check.fix);
 * }
 * ```
 * @module
 */
import { type Context, denoContext } from "../context.ts";
import type { Diagnosis } from "./check.ts";

export { CHECK_IDS } from "./check.ts";
export type { CheckId, CheckResult, CheckStatus, Diagnosis } from "./check.ts";

/** What to diagnose, and how. */
export interface DiagnoseOptions {
  /** A site's name or domain, as `--at` takes it; default: the selected site. */
  at?: string;
  /** The outside world; default: this process (its notices: see `denoContext`). */
  context?: Context;
  /** Send each request's log lines to the context's notices (`debug` level). */
  verbose?: boolean;
}

/**
 * Runs every check and returns what each found. Offline checks always run; each network
 * check is bounded by the site's `timeout`, the whole run by twice that. No secret is in
 * the result: a key shows only its last 4 characters.
 */
export async function diagnose(options: DiagnoseOptions = {}): Promise<Diagnosis> {
  const { runDiagnosis } = await import("./run.ts");
  return await runDiagnosis({
    context: options.context ?? denoContext(),
    at: options.at,
    verbose: options.verbose ?? false,
  });
}
