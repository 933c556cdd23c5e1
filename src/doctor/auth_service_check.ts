/**
 * The `auth-service` check: the site's OIDC discovery document (the login service's
 * endpoints) can be fetched and has what a login needs.
 * @module
 */
import { errorMessage } from "../errors.ts";
import type { Client } from "../http/client.ts";
import { authDomain, wellKnownUrl } from "../config/schema.ts";
import { discover } from "../login/discovery.ts";
import type { Budget } from "./budget.ts";
import { type CheckResult, Findings, skipped } from "./check.ts";
import type { SiteSubject } from "./config_check.ts";
import { atSite } from "./places.ts";

/** Runs the auth-service check; `broken` is why the site cannot be asked (null: it can). */
export async function checkAuthService(
  subject: SiteSubject,
  client: Client,
  budget: Budget,
  broken: string | null,
  onDate: (date: string | null) => void,
): Promise<CheckResult> {
  const { config } = subject;
  // Another login host was not tried by the network and TLS checks: ask it anyway.
  if (broken !== null && authDomain(config) === config.domain) {
    return skipped("auth-service", broken);
  }
  const findings = new Findings();
  const url = wellKnownUrl(config);
  try {
    const discovery = await discover(
      async (target, init) => {
        const response = await client.request(target, { ...init, auth: false });
        onDate(response.headers.get("date"));
        return response;
      },
      config,
      { cache: new Map(), signal: budget.signal },
    );
    const flow = discovery.device_authorization_endpoint === null
      ? "browser login only (no device flow)"
      : "device and browser login";
    findings.ok(`OIDC discovery ${url} is valid: ${flow}`);
  } catch (err) {
    findings.fail(
      errorMessage(err),
      `check openid_config_path and auth_domain_override of the site (anaconda sites show ` +
        `${atSite(config)} --show-hidden); if they are right, the login service is down: ` +
        "try again later",
    );
  }
  return findings.result("auth-service");
}
