/**
 * The `account` check: `GET /api/account` with the site's API key answers 200 and names
 * the user; a key the site refuses gets the login that replaces it.
 * @module
 */
import { errorMessage } from "../errors.ts";
import type { Client } from "../http/client.ts";
import { toAccount } from "../http/account.ts";
import { reasonPhrase } from "../http/errors.ts";
import { redactSecret } from "../redact.ts";
import type { Budget } from "./budget.ts";
import { type CheckResult, Findings, skipped } from "./check.ts";
import type { SiteSubject } from "./config_check.ts";
import type { KeyExamination } from "./api_key_check.ts";

/** The user's name in an account: `username`, else `email`. */
function userName(user: Record<string, unknown>): string {
  const name = [user.username, user.email].find((value) => typeof value === "string" && value);
  const email = typeof user.email === "string" && user.email !== name ? ` (${user.email})` : "";
  return name === undefined ? "an unnamed user" : `${name}${email}`;
}

/** Runs the account check; `broken` is why the site cannot be asked (null: it can). */
export async function checkAccount(
  subject: SiteSubject,
  client: Client,
  budget: Budget,
  key: KeyExamination,
  broken: string | null,
  onDate: (date: string | null) => void,
): Promise<CheckResult> {
  if (broken !== null) return skipped("account", broken);
  if (key.key === null) return skipped("account", key.missing ?? "no API key");
  const findings = new Findings();
  const shown = redactSecret(key.key);
  try {
    const response = await client.request("/api/account", { signal: budget.signal });
    onDate(response.headers.get("date"));
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      findings.fail(
        `the site refused the key ${shown}: GET /api/account answered ${response.status} ${
          reasonPhrase(response.status, response.statusText)
        }`,
        key.renewFix,
      );
    } else if (!response.ok) {
      await response.body?.cancel();
      findings.fail(
        `GET /api/account answered ${response.status} ${
          reasonPhrase(response.status, response.statusText)
        }`,
        "try again later; if it lasts, tell the site's administrators",
      );
    } else {
      const account = toAccount(
        await client.readJson(response),
        `${client.baseUrl}/api/account`,
        subject.config.domain,
      );
      findings.ok(`the key ${shown} belongs to ${userName(account.user)}`);
    }
  } catch (err) {
    findings.fail(errorMessage(err), "see network and tls; then try again");
  }
  return findings.result("account");
}
