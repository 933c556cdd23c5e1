/**
 * Where the settings and the tokens are when nothing says otherwise: config.toml, the
 * secrets folder, `.env`, the default site's domain and file keyring. Kept apart from the
 * schema and the settings resolution (and free of their dependencies), so that
 * `auth api-key` finds them without loading those (src/cli/auth/api_key_fast_path.ts).
 * @module
 */
import type { Context } from "../context.ts";
import type { TokenStorage } from "./schema.ts";
import { expandHome, joinPath } from "../path.ts";

/** The domain of the default site. */
export const DEFAULT_DOMAIN = "anaconda.com";

/** Where a site's tokens are kept unless `preferred_token_storage` says otherwise. */
export const DEFAULT_TOKEN_STORAGE: TokenStorage = "anaconda-keyring";

/** The file keyring of a site unless `keyring_path` says otherwise: `~/.anaconda/keyring`. */
export function defaultKeyringPath(homeDir: string): string {
  return joinPath(homeDir, ".anaconda", "keyring");
}

/** Expands `~` and `$VAR` / `${VAR}` in a path taken from the environment. */
function expandPath(path: string, context: Context): string {
  const withVars = path.replace(
    /\$(\w+)|\$\{(\w+)\}/g,
    (whole, bare, braced) => context.env.get(bare ?? braced) ?? whole,
  );
  return expandHome(withVars, context.homeDir());
}

/** The path of config.toml: `$ANACONDA_CONFIG_TOML`, else `~/.anaconda/config.toml`. */
export function configTomlPath(context: Context): string {
  const fromEnv = context.env.get("ANACONDA_CONFIG_TOML");
  if (fromEnv) return expandPath(fromEnv, context);
  return joinPath(context.homeDir(), ".anaconda", "config.toml");
}

/** The secrets folder: `$ANACONDA_SECRETS_DIR`, else `/run/secrets`. */
export function secretsDir(context: Context): string {
  return context.env.get("ANACONDA_SECRETS_DIR") ?? "/run/secrets";
}

/** The `.env` file read for settings: in the working folder. */
export function dotenvPath(context: Context): string {
  return joinPath(context.cwd(), ".env");
}
