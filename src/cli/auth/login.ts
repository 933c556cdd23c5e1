/**
 * `anaconda auth login` (and the top-level `anaconda login`): logs in with the device or
 * browser flow, or stores an API key read from stdin (`--with-token`), following the Python
 * tool for expired and existing logins (docs/behaviour.md, "Choosing a flow").
 * @module
 */
import type { SiteConfig } from "../../config/schema.ts";
import { type App, siteOrSelected, type SitePick } from "../framework/app.ts";
import { flag, leaf, type OptionValues, toggle } from "../framework/args.ts";
import { hasControlChars } from "../../text.ts";

/** The login options, shared by `anaconda auth login` and `anaconda login`. */
export const LOGIN_OPTIONS = {
  force: flag("--force", "log in again even when a valid API key is stored"),
  sslVerify: toggle("--ssl-verify", "verify TLS certificates (overrides ssl_verify)"),
  withToken: flag("--with-token", "read an API key from standard input and store it (for CI)"),
};

export type LoginOptions = OptionValues<typeof LOGIN_OPTIONS> & SitePick;

export const LOGIN_EXAMPLES = [
  "anaconda auth login",
  "anaconda auth login --at work --force",
  'echo "$ANACONDA_API_KEY" | anaconda auth login --with-token',
];

export const command = leaf({
  name: "login",
  description: "Log in to the site and store an API key",
  options: LOGIN_OPTIONS,
  examples: LOGIN_EXAMPLES,
  run: (options, app) => runLogin(options, app),
});

/** The site's settings with the `--[no-]ssl-verify` override, and where `ssl_verify` came from. */
async function siteConfig(
  options: LoginOptions,
  app: App,
): Promise<{ config: SiteConfig; sslVerifySource: string | undefined }> {
  const settings = await app.settings();
  const config = siteOrSelected(settings, options.at);
  if (options.sslVerify === undefined) {
    const { describeFieldSource } = await import("../../config/load.ts");
    return { config, sslVerifySource: describeFieldSource(settings, config, "ssl_verify") };
  }
  return {
    config: { ...config, ssl_verify: options.sslVerify },
    sslVerifySource: `option --${options.sslVerify ? "" : "no-"}ssl-verify`,
  };
}

/**
 * Logs in to the site: an expired or invalid stored key means a new login at once; a
 * valid one asks first (end of input means no) unless `force` is set.
 */
export async function runLogin(options: LoginOptions, app: App): Promise<void> {
  const { config, sslVerifySource } = await siteConfig(options, app);
  if (options.withToken) return await runWithToken(config, app);
  const { context, prompter } = app;
  const [{ loadToken }, { apiKeyState }] = await Promise.all([
    import("../../token/tokens.ts"),
    import("../../token/token_info.ts"),
  ]);
  const existing = await loadToken(context, config);
  const state = existing === null ? "missing" : apiKeyState(existing, context.clock.now());
  if (state === "expired") {
    context.stderr.write(`Your API key has expired, logging into ${config.domain}\n`);
  } else if (state === "invalid") {
    context.stderr.write(
      `Your stored API key is not a valid API key, logging into ${config.domain}\n`,
    );
  } else if (state === "valid" && !options.force) {
    const again = await prompter.confirm(
      `You are already logged into Anaconda (${config.domain}). Would you like to force a new login?`,
      { defaultAnswer: false },
    );
    if (!again) return;
  }
  await interactiveLogin(config, app, sslVerifySource);
}

/**
 * Runs the login flows and says where the key went. `sslVerifySource`: where
 * `ssl_verify` came from (default: looked up in the settings, for a config from there).
 */
export async function interactiveLogin(
  config: SiteConfig,
  app: App,
  sslVerifySource?: string,
): Promise<void> {
  const [{ login }, { startSpinner }, { describeFieldSource }] = await Promise.all([
    import("../../login/login.ts"),
    import("../framework/spinner.ts"),
    import("../../config/load.ts"),
  ]);
  const result = await login(app.context, config, {
    sslVerifySource: sslVerifySource ??
      describeFieldSource(await app.settings(), config, "ssl_verify"),
    verbose: app.globals().verbose,
    presenter: { waiting: (text) => startSpinner(app.context.stderr, text) },
  });
  app.context.stderr.write(`✓ Login successful! API key stored in ${result.storedIn}\n`);
}

/** `--with-token`: stores an API key from stdin after checking it is an unexpired JWT. */
async function runWithToken(config: SiteConfig, app: App): Promise<void> {
  const { context } = app;
  const [{ AuthenticationError }, { apiKeyExpiry }, { storeApiKey }] = await Promise.all([
    import("../../login/errors.ts"),
    import("../../token/token_info.ts"),
    import("../../login/login.ts"),
  ]);
  // On a terminal the pasted key is not shown (it would stay on screen and in scrollback).
  const text = context.stdin.isTerminal
    ? (await app.prompter.password("Paste the API key and press Enter: ")) ?? ""
    : await context.stdin.readAll();
  const apiKey = text.trim();
  if (apiKey === "") throw new AuthenticationError("No API key on standard input");
  // Refused now rather than stored, to fail later as a header that cannot be sent.
  if (hasControlChars(apiKey)) {
    throw new AuthenticationError(
      "The text on standard input holds control characters, which no API key has",
    );
  }
  const expiry = /\s/.test(apiKey) ? null : apiKeyExpiry(apiKey);
  if (expiry === null) {
    throw new AuthenticationError(
      "The text on standard input is not a valid API key (a JWT with an exp claim)",
    );
  }
  if (expiry.getTime() <= context.clock.now()) {
    throw new AuthenticationError(
      `The API key on standard input expired on ${expiry.toISOString().replace(/\.000Z$/, "Z")}`,
    );
  }
  const { storedIn } = await storeApiKey(context, config, apiKey);
  context.stderr.write(`✓ API key for ${config.domain} stored in ${storedIn}\n`);
}
