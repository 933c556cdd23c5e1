/**
 * The HTTP client of a site that sends the site's API key: the configured `api_key`,
 * else the stored, unexpired one. Commands that call the API as the user (`whoami`)
 * build their client here, in one line.
 * @module
 */
import type { Context } from "../context.ts";
import type { SiteConfig } from "../config/schema.ts";
import { Client } from "../http/client.ts";
import { currentApiKey, requireApiKey } from "../token/tokens.ts";

export interface SiteClientOptions {
  /** Log HTTP requests to stderr, secrets redacted (`--verbose`). */
  verbose?: boolean;
  /**
   * Fail before any request when there is no usable key: `TokenNotFoundError`, or
   * `TokenExpiredError` for an expired one (D43). Otherwise requests go without one.
   */
  requireKey?: boolean;
  /** Where `ssl_verify` came from, for the warning that verification is off. */
  sslVerifySource?: string | undefined;
}

/**
 * A `Client` for `config` with its API key as Bearer. Call `close()` when done.
 *
 * @example
 * ```ts
 * const client = await siteClient(context, config, { requireKey: true });
 * try {
 *   console.log(await client.account());
 * } finally {
 *   client.close();
 * }
 * ```
 */
export async function siteClient(
  context: Context,
  config: SiteConfig,
  options: SiteClientOptions = {},
): Promise<Client> {
  const apiKey = options.requireKey
    ? await requireApiKey(context, config)
    : () => currentApiKey(context, config);
  return new Client({
    context,
    config,
    apiKey,
    verbose: options.verbose ?? false,
    sslVerifySource: options.sslVerifySource,
  });
}
