/**
 * The order of `auth doctor`'s checks and what they hand each other: the configuration
 * first (without it, the site's checks are skipped), then storage and the key (offline),
 * then the site's network, TLS, login service and account one after another (each
 * skipped, with the reason, when one it needs failed), while conda's and anaconda.org's
 * checks run beside them. The key's clock check uses the `Date` of the site's answers.
 * @module
 */
import { type Context, withNotify } from "../context.ts";
import { errorMessage } from "../errors.ts";
import { Client } from "../http/client.ts";
import { storedRepoTokens } from "../token/repo_tokens.ts";
import type { RepoToken } from "../token/token_info.ts";
import { checkAccount } from "./account_check.ts";
import { compareClocks, examineApiKey } from "./api_key_check.ts";
import { checkAuthService } from "./auth_service_check.ts";
import { Budget } from "./budget.ts";
import { CHECK_IDS, type CheckId, type CheckResult, type Diagnosis, skipped } from "./check.ts";
import { checkConda } from "./conda_check.ts";
import { checkConfig, type SiteSubject } from "./config_check.ts";
import { checkNetwork } from "./network_check.ts";
import { checkOrg } from "./org_check.ts";
import { checkStorage, type StorageOutcome } from "./storage_check.ts";
import { checkTls } from "./tls_check.ts";

/** The time limit of a network check when the site's settings could not be read. */
const DEFAULT_TIMEOUT_SECONDS = 30;

export interface RunOptions {
  context: Context;
  at: string | undefined;
  verbose: boolean;
}

/** The result of a check the run's time limit cut short. */
function late(id: CheckId): (reason: unknown) => CheckResult {
  return (reason) => ({
    id,
    status: "fail",
    summary: `did not finish: ${errorMessage(reason)}`,
    fix: "run anaconda auth doctor again; if it happens again, run it with --verbose",
  });
}

/** The repo tokens stored for the site, without touching a keyring the storage check found corrupt. */
async function repoTokensOf(
  context: Context,
  subject: SiteSubject,
  storage: StorageOutcome,
): Promise<RepoToken[]> {
  const { lookup } = storage;
  if (lookup?.status === "found" && !lookup.fromConfig) return lookup.info.repo_tokens;
  if (!lookup?.fromConfig || !storage.keyringReadable) return [];
  return await storedRepoTokens(context, subject.config).catch(() => []);
}

/** The checks of the site itself, one after another; the latest `Date` of its answers. */
async function siteChecks(
  context: Context,
  subject: SiteSubject,
  storage: StorageOutcome,
  budget: Budget,
  verbose: boolean,
  results: Map<CheckId, CheckResult>,
): Promise<void> {
  const key = examineApiKey(context, subject, storage);
  let serverDate: number | null = null;
  const onDate = (date: string | null) => {
    const parsed = Date.parse(date ?? "");
    if (!Number.isNaN(parsed)) serverDate = parsed;
  };
  const client = new Client({
    context,
    config: subject.config,
    ...(key.key === null ? {} : { apiKey: key.key }),
    verbose,
  });
  try {
    const network = await budget.race(
      checkNetwork(context, subject, budget),
      (reason) => ({
        result: late("network")(reason),
        unreachable: "out of time (see network)",
        decision: null,
      }),
    );
    results.set("network", network.result);
    const tls = await budget.race(
      checkTls(context, subject, network, client, budget),
      (reason) => ({
        result: late("tls")(reason),
        broken: "out of time (see tls)",
        serverDate: null,
      }),
    );
    results.set("tls", tls.result);
    if (tls.serverDate !== null) serverDate = tls.serverDate;
    const broken = network.unreachable ?? tls.broken;
    results.set(
      "auth-service",
      await budget.race(
        checkAuthService(subject, client, budget, broken, onDate),
        late("auth-service"),
      ),
    );
    results.set(
      "account",
      await budget.race(
        checkAccount(subject, client, budget, key, broken, onDate),
        late("account"),
      ),
    );
  } finally {
    client.close();
  }
  compareClocks(key.findings, serverDate, context.clock.now());
  results.set("api-key", key.findings.result("api-key"));
}

/** Runs every check (see the module comment) and puts the results in `CHECK_IDS` order. */
export async function runDiagnosis(options: RunOptions): Promise<Diagnosis> {
  const outer = options.context;
  // What the core would print goes into the checks instead; request logs stay logs.
  const context = withNotify(outer, (notice) => {
    if (notice.level === "debug") outer.notify(notice);
  });
  const results = new Map<CheckId, CheckResult>();
  const config = await checkConfig(context, options.at);
  results.set("config", config.result);
  const { subject } = config;
  const budget = new Budget(subject?.config.timeout ?? DEFAULT_TIMEOUT_SECONDS);
  try {
    const org = budget.race(checkOrg(context, budget, options.verbose), late("anaconda.org"));
    if (subject === null) {
      const why = "the configuration could not be read (see config)";
      for (
        const id of ["storage", "api-key", "network", "tls", "auth-service", "account"] as const
      ) {
        results.set(id, skipped(id, why));
      }
      results.set(
        "conda",
        await budget.race(checkConda(context, null, [], options.verbose), late("conda")),
      );
    } else {
      const storage = await budget.race(
        checkStorage(context, subject),
        (reason): StorageOutcome => ({
          result: late("storage")(reason),
          lookup: null,
          lookupError: "the storage check did not finish",
          keyringReadable: false,
        }),
      );
      results.set("storage", storage.result);
      const tokens = await repoTokensOf(context, subject, storage);
      const conda = budget.race(
        checkConda(context, subject, tokens, options.verbose),
        late("conda"),
      );
      await siteChecks(context, subject, storage, budget, options.verbose, results);
      results.set("conda", await conda);
    }
    results.set("anaconda.org", await org);
  } finally {
    budget.close();
  }
  const checks = CHECK_IDS.map((id) => results.get(id) ?? skipped(id, "not run"));
  return {
    ok: !checks.some((check) => check.status === "fail"),
    site: subject?.config.site ?? null,
    domain: subject?.config.domain ?? null,
    checks,
  };
}
