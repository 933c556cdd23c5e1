/**
 * The anaconda.com API key that anaconda.org exchanges for a token (docs/behaviour.md, "Login,
 * logout and whoami"): the API's discovery document names the login service, whose host without
 * a leading `auth.` is the keyring domain; that domain's stored, unexpired API key is used,
 * else this tool's own login to that domain runs first (and stores the key, so the user is
 * logged in there too).
 * @module
 */
import type { Context } from "../context.ts";
import { describeFieldSource, type Settings } from "../config/load.ts";
import { defaultSiteConfig, type SiteConfig } from "../config/schema.ts";
import { ConfigError } from "../errors.ts";
import { login } from "../login/login.ts";
import { currentApiKey } from "../token/tokens.ts";
import type { OrgClient } from "./client.ts";

/** The keyring domain of a login service: its host without a leading `auth.`. */
export function keyringDomain(authorizationEndpoint: string): string {
  return new URL(authorizationEndpoint).host.replace(/^auth\./, "");
}

/**
 * The settings of the site whose domain is `domain`: the configured one, else the
 * `[plugin.auth]` and `ANACONDA_AUTH_*` settings with that domain; and where its
 * `ssl_verify` came from.
 */
export function siteForDomain(
  settings: Settings,
  domain: string,
  homeDir: string,
): { config: SiteConfig; sslVerifySource: string | undefined } {
  const configured = settings.allSites().find((site) => site.domain === domain);
  let base: SiteConfig;
  if (configured) {
    base = configured;
  } else {
    try {
      base = settings.siteFor("anaconda.com");
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      base = { ...defaultSiteConfig(homeDir), site: domain };
    }
  }
  const sslVerifySource = describeFieldSource(settings, base, "ssl_verify");
  const config = configured ?? { ...base, site: domain, domain, auth_domain_override: null };
  return { config, sslVerifySource };
}

/** The API key to log in to anaconda.org with (see the module comment), and its domain. */
export async function anacondaApiKey(
  context: Context,
  client: OrgClient,
  options: { settings: Settings; verbose?: boolean },
): Promise<{ apiKey: string; domain: string }> {
  const domain = keyringDomain(await client.authorizationEndpoint());
  const { config, sslVerifySource } = siteForDomain(options.settings, domain, context.homeDir());
  const existing = await currentApiKey(context, config);
  if (existing !== null) return { apiKey: existing, domain };
  context.notify({
    level: "info",
    message: `anaconda.org logs in with an API key of ${domain}: logging in there first`,
  });
  const result = await login(context, config, {
    verbose: options.verbose ?? false,
    sslVerifySource,
  });
  context.notify({ level: "info", message: `API key for ${domain} stored in ${result.storedIn}` });
  return { apiKey: result.info.api_key!, domain };
}
