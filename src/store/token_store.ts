/**
 * The store that keeps a site's tokens, by `preferred_token_storage` (docs/behaviour.md, "Token
 * storage"): one backend per storage name. Backends are imported only when they are used, so a
 * command that reads the file keyring never loads the OS keyring code.
 * @module
 */
import type { Context } from "../context.ts";
import type { SiteConfig, TokenStorage } from "../config/schema.ts";
import type { SecretStore } from "./secret_store.ts";
import { dirName, joinPath } from "../path.ts";

/** Opens the OS keyring of a platform. */
export type OpenSystemStore = (context: Context, config: SiteConfig) => Promise<SecretStore>;

/** The OS keyring of each platform that has its own (tests hand in fakes). */
export type SystemStores = Partial<Record<Context["os"], OpenSystemStore>>;

type OpenStore = (
  context: Context,
  config: SiteConfig,
  systemStores: SystemStores,
) => Promise<SecretStore>;

async function openFileKeyring(context: Context, config: SiteConfig): Promise<SecretStore> {
  const { FileKeyring } = await import("./file_keyring.ts");
  return new FileKeyring(config.keyring_path, context);
}

/** The OS keyring of each platform; any other (Linux, the BSDs) has the Secret Service. */
const SYSTEM_STORES: SystemStores = {
  darwin: async (context) => {
    const { MacosSecurityStore } = await import("./macos_security.ts");
    return new MacosSecurityStore(context);
  },
  windows: async () => {
    const { WindowsCredentialStore, openCredentialApi } = await import("./windows_cred.ts");
    return new WindowsCredentialStore(openCredentialApi);
  },
};

async function openSecretService(context: Context, config: SiteConfig): Promise<SecretStore> {
  const { SecretToolStore } = await import("./secret_tool.ts");
  // Beside the file keyring (never its own lock: a save may fall back to the file).
  return new SecretToolStore(context, {
    lockPath: joinPath(dirName(config.keyring_path), "secret-service.lock"),
  });
}

/**
 * The OS keyring of this platform alone, without the file keyring behind it. `systemStores`
 * replaces the OS keyrings (tests: no test may touch the real one).
 */
export function openSystemStore(
  context: Context,
  config: SiteConfig,
  systemStores: SystemStores = SYSTEM_STORES,
): Promise<SecretStore> {
  return (systemStores[context.os] ?? openSecretService)(context, config);
}

/** Each storage name and how to open its store. */
const BACKENDS: Record<TokenStorage, OpenStore> = {
  "anaconda-keyring": openFileKeyring,
  system: async (context, config, systemStores) => {
    const [{ SystemWithFallback }, system, file] = await Promise.all([
      import("./system_with_fallback.ts"),
      openSystemStore(context, config, systemStores),
      openFileKeyring(context, config),
    ]);
    return new SystemWithFallback(system, file, context);
  },
};

/**
 * The store that keeps the tokens of `config`'s site (not the read-only configuration
 * keyring): the file keyring at `keyring_path`, or with `preferred_token_storage =
 * "system"` the OS keyring backed by the file keyring. One instance per run (the
 * context's `runCache`) and choice, so that a fallback warning is given once. `systemStores`
 * replaces the OS keyrings (tests: no test may touch the real one).
 */
export function openTokenStore(
  context: Context,
  config: SiteConfig,
  systemStores: SystemStores = SYSTEM_STORES,
): Promise<SecretStore> {
  const key = `token store\n${config.preferred_token_storage}\n${config.keyring_path}`;
  const open = () => BACKENDS[config.preferred_token_storage](context, config, systemStores);
  return context.runCache ? context.runCache.get(key, open) : open();
}
