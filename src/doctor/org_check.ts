/**
 * The `anaconda.org` check, when anaconda.org is set up (an anaconda-client config that
 * names an API URL, or a token): the API URL and its scheme, certificate verification, a
 * token and where it is, and `GET /user` with it.
 * @module
 */
import type { Context } from "../context.ts";
import { AnacondaError, errorMessage } from "../errors.ts";
import { loadOrgConfig, type OrgConfig } from "../org/config.ts";
import { apiBase, OrgClient } from "../org/client.ts";
import { OrgUnauthorizedError } from "../org/errors.ts";
import { envToken, type FoundToken, storedToken } from "../org/tokens.ts";
import { type Budget, DoctorTimeout } from "./budget.ts";
import { type CheckResult, Findings, skipped } from "./check.ts";
import { isLoopbackHost } from "../http/plain_http.ts";
import { shortPath } from "./places.ts";

const LOGIN = "anaconda login --at anaconda.org";

/** Runs the anaconda.org check. */
export async function checkOrg(
  context: Context,
  budget: Budget,
  verbose = false,
): Promise<CheckResult> {
  const findings = new Findings();
  const home = context.homeDir();
  let config: OrgConfig;
  let found: FoundToken | null;
  try {
    config = await loadOrgConfig(context);
    found = envToken(context) ?? await storedToken(context, config.url);
  } catch (err) {
    if (!(err instanceof AnacondaError)) throw err;
    findings.fail(errorMessage(err), "correct the anaconda-client configuration file it names");
    return findings.result("anaconda.org");
  }
  if (config.urlSource === "the default" && found === null) {
    return skipped("anaconda.org", "no anaconda-client configuration and no anaconda.org token");
  }
  const base = new URL(apiBase(config.url));
  const urlSource = config.urlSource === "the default"
    ? "the default"
    : shortPath(config.urlSource, home);
  if (base.protocol === "http:" && !isLoopbackHost(base.hostname)) {
    findings.warn(
      `the API URL ${base.href} (from ${urlSource}) is plain http: the token travels unencrypted`,
      `set url: https://${base.host}${base.pathname.replace(/\/$/, "")} in ${urlSource}`,
    );
  } else {
    findings.ok(`API ${base.href} (from ${urlSource})`);
  }
  if (config.sslVerify === false) {
    findings.warn(
      "certificate verification is off for anaconda.org (ssl_verify: false in the " +
        "anaconda-client configuration)",
      "remove ssl_verify: false from the anaconda-client configuration, or set it to a CA bundle",
    );
  }
  if (found === null) {
    findings.warn(`no anaconda.org token: not logged in to ${base.host}`, LOGIN);
    return findings.result("anaconda.org");
  }
  const where = found.kind === "env" ? found.where : shortPath(found.where, home);
  const step = budget.step();
  const client = new OrgClient(context, config, {
    token: found.token,
    signal: step.signal,
    verbose,
  });
  try {
    const user = await client.user();
    const login = typeof user.login === "string" ? user.login : "an unnamed user";
    findings.ok(`the token from ${where} belongs to ${login}`);
  } catch (err) {
    if (err instanceof OrgUnauthorizedError) {
      findings.fail(
        `${base.host} refused the token from ${where}`,
        found.kind === "env"
          ? `set ${where} to a valid token, or unset it and run ${LOGIN}`
          : LOGIN,
      );
    } else {
      const message = err instanceof DoctorTimeout
        ? `GET /user: ${err.message}`
        : errorMessage(err);
      findings.fail(message, `check the API URL (from ${urlSource}) and the connection to it`);
    }
  } finally {
    client.close();
    step.done();
  }
  return findings.result("anaconda.org");
}
