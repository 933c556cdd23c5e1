/**
 * The warning that TLS certificate verification is off (`ssl_verify = false`), printed
 * once per run, when the first request goes out that way, naming where the setting came
 * from: a `.env` in a cloned repository can turn it off, and the user must see that.
 * @module
 */
import type { Context } from "../context.ts";

/** The runs (contexts) already warned: the state lives and dies with each run's context. */
const warnedRuns = new WeakSet<object>();

/**
 * Warns through `context.notify` that requests go out without certificate checks, once
 * per context. `source` says where `ssl_verify = false` came from (`/work/.env for
 * ANACONDA_AUTH_SSL_VERIFY`, `option --no-ssl-verify`...).
 */
export function warnVerificationOff(
  context: Pick<Context, "notify">,
  source: string | undefined,
): void {
  if (warnedRuns.has(context)) return;
  warnedRuns.add(context);
  const setting = source === undefined
    ? "ssl_verify = false"
    : `ssl_verify = false, set by ${source}`;
  context.notify({
    level: "warning",
    message: `TLS certificate verification is off (${setting}): servers are not checked, ` +
      "so keys and tokens sent to them could reach an impostor",
  });
}
