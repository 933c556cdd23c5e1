/**
 * `anaconda auth api-key` in its most common case, without loading the CLI around it
 * (main.ts imports this module for that command line only): nothing configured (no
 * config.toml, no `ANACONDA_*` setting in the environment, the secrets folder or `.env`),
 * so the site is the default one, and its file keyring holds a valid API key. The key is
 * then printed as the full command prints it.
 *
 * Everything is read with the full command's own functions, and any other case is left
 * to it, with nothing printed or changed: a setting anywhere, a config.toml (even empty),
 * a notice (an unreadable secret), a keyring that is missing, unreadable or corrupt (the
 * full command moves it aside), no entry for the site (it looks for one under a legacy
 * domain to migrate), a record that does not decode, a key that has expired or is not an
 * API key (the full command offers a login).
 * @module
 */
import { type Context, withNotify } from "../../context.ts";
import { readConfigText } from "../../config/config_file.ts";
import {
  configTomlPath,
  DEFAULT_DOMAIN,
  DEFAULT_TOKEN_STORAGE,
  defaultKeyringPath,
} from "../../config/locations.ts";
import { type RawLayer, readRawLayers } from "../../config/sources.ts";
import { FileKeyring } from "../../store/file_keyring.ts";
import { KEYRING_SERVICE } from "../../store/secret_store.ts";
import { apiKeyState, decodeTokenInfo } from "../../token/token_info.ts";

/**
 * The `ANACONDA_*` names (lower case, without the prefix) that say where sources are
 * instead of setting anything: config.toml and the secrets folder, found here as the full
 * command finds them.
 */
const LOCATING_NAMES = new Set(["config_toml", "secrets_dir"]);

function holdsSettings(layer: RawLayer): boolean {
  return layer.scoped("anaconda_").keys().some((name) => !LOCATING_NAMES.has(name));
}

/** The key `auth api-key` would print with nothing else, or undefined. */
async function storedApiKey(context: Context): Promise<string | undefined> {
  if (DEFAULT_TOKEN_STORAGE !== "anaconda-keyring") return undefined;
  let noticed = false;
  const quiet = withNotify(context, () => void (noticed = true));
  const layers = await readRawLayers(quiet);
  if (noticed || layers.some(holdsSettings)) return undefined;
  if (await readConfigText(configTomlPath(context)) !== null) return undefined;
  const keyring = new FileKeyring(defaultKeyringPath(context.homeDir()), quiet);
  const value = await keyring.peek(KEYRING_SERVICE, DEFAULT_DOMAIN);
  if (value == null) return undefined;
  const info = decodeTokenInfo(value, DEFAULT_DOMAIN);
  return info.api_key !== null && apiKeyState(info, context.clock.now()) === "valid"
    ? info.api_key
    : undefined;
}

/**
 * Runs `anaconda auth api-key` when its common case holds (see above): prints the key and
 * returns true. Otherwise returns false, having printed and changed nothing: the caller
 * then runs the full command.
 */
export async function runApiKeyFastPath(context: Context): Promise<boolean> {
  let apiKey: string | undefined;
  try {
    apiKey = await storedApiKey(context);
  } catch {
    return false; // a file or record that cannot be read: the full command reports it
  }
  if (apiKey === undefined) return false;
  context.stdout.write(`${apiKey}\n`);
  return true;
}
