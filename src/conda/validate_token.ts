/**
 * Checks that the repository accepts a repo token (docs/behaviour.md, "Repository and
 * validation"; D54, D58): `HEAD` of `<REPO_URL>main/noarch/repodata.json` with `/t/<token>`
 * right after host[:port], the URL conda will request, must answer 200; redirects are not
 * followed. Unlike the Python tool, nothing runs `conda clean` first: the index cache is
 * cleaned after `.condarc` changes instead.
 *
 * Connection: as conda will connect (D58). The proxy, TLS and client-certificate settings of
 * the `.condarc` files conda reads (`proxy_servers`, `ssl_verify`, `client_ssl_cert`) come
 * first, then the selected site's; the site's timeout applies; `token set --no-ssl-verify`
 * turns certificate checks off. Neither the site's API key nor its `extra_headers` are sent:
 * the repository host is not the site.
 * @module
 */
import type { Context } from "../context.ts";
import type { SiteConfig } from "../config/schema.ts";
import { Client } from "../http/client.ts";
import { NetworkError, reasonPhrase, redactUrl } from "../http/errors.ts";
import type { CondaConnection } from "./conda_config.ts";
import { TokenValidationError } from "./errors.ts";
import { channelUrl, withToken } from "./repo_url.ts";

/** The file whose HEAD proves a token (the Python tool's choice). */
export const PROBE_FILE = "main/noarch/repodata.json";

export interface ValidateOptions {
  /** `REPO_URL`. */
  repoUrl: string;
  /** Skip certificate checks (`--no-ssl-verify`). */
  insecure?: boolean;
  /** The settings of conda's session, which win over the site's (D58). */
  connection?: CondaConnection;
  /** Log the request, the token redacted (`--verbose`). */
  verbose?: boolean;
  /** Where the site's `ssl_verify` came from, for the warning that verification is off. */
  sslVerifySource?: string | undefined;
}

/**
 * Resolves when the repository answers 200 to the token; otherwise throws a
 * `TokenValidationError` that says why (the HTTP status or the network error).
 */
export async function validateRepoToken(
  context: Context,
  config: SiteConfig,
  token: string,
  options: ValidateOptions,
): Promise<void> {
  const url = withToken(channelUrl(options.repoUrl, PROBE_FILE), token);
  const { sslVerifySource: condaSource, ...connection } = options.connection ?? {};
  const repoConfig: SiteConfig = {
    ...config,
    ...connection,
    extra_headers: null,
    ...(options.insecure ? { ssl_verify: false } : {}),
  };
  const client = new Client({
    context,
    config: repoConfig,
    verbose: options.verbose ?? false,
    sslVerifySource: options.insecure
      ? "option --no-ssl-verify"
      : connection.ssl_verify === undefined
      ? options.sslVerifySource
      : condaSource,
  });
  let status: number;
  let statusText: string;
  try {
    const response = await client.request(url, { method: "HEAD", auth: false, redirect: "manual" });
    await response.body?.cancel();
    status = response.status;
    statusText = response.statusText;
  } catch (err) {
    if (!(err instanceof NetworkError)) throw err;
    throw new TokenValidationError(`The token could not be validated: ${err.message}`, {
      cause: err,
    });
  } finally {
    client.close();
  }
  if (status === 200) return;
  const redirect = status >= 300 && status < 400 ? ", a redirect, which is not followed" : "";
  throw new TokenValidationError(
    `The token could not be validated: HEAD ${redactUrl(url)} answered ${status} ${
      reasonPhrase(status, statusText)
    }${redirect}. Please check that you have typed it correctly`,
  );
}
