/**
 * The store that keeps a site's tokens, by `preferred_token_storage` (SPEC Part B
 * §2.2): one backend per storage name. Backends are imported only when they are used,
 * so a command that reads the file keyring never loads the OS keyring code.
 * @module
 */
import type { Context } from "../context.ts";
import type { SiteConfig, TokenStorage } from "../config/schema.ts";
import type { SecretStore } from "./secret_store.ts";

/** Opens the OS keyring of a platform. */
export type OpenSystemStore = (context: Context) => Promise<SecretStore>;

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

async function openSecretService(context: Context): Promise<SecretStore> {
  const { SecretToolStore } = await import("./secret_tool.ts");
  return new SecretToolStore(context);
}

/** Each storage name and how to open its store. */
const BACKENDS: Record<TokenStorage, OpenStore> = {
  "anaconda-keyring": openFileKeyring,
  system: async (context, config, systemStores) => {
    const openSystem = systemStores[context.os] ?? openSecretService;
    const [{ SystemWithFallback }, system, file] = await Promise.all([
      import("./system_with_fallback.ts"),
      openSystem(context),
      openFileKeyring(context, config),
    ]);
    return new SystemWithFallback(system, file, context);
  },
};

const opened = new WeakMap<Context, Map<string, Promise<SecretStore>>>();

/**
 * The store that keeps the tokens of `config`'s site (not the read-only configuration
 * keyring): the file keyring at `keyring_path`, or with `preferred_token_storage =
 * "system"` the OS keyring backed by the file keyring. One instance per context and
 * choice, so a fallback warning is printed once per process. `systemStores` replaces the
 * OS keyrings (tests: no test may touch the real one).
 */
export function openTokenStore(
  context: Context,
  config: SiteConfig,
  systemStores: SystemStores = SYSTEM_STORES,
): Promise<SecretStore> {
  let byKey = opened.get(context);
  if (!byKey) {
    byKey = new Map();
    opened.set(context, byKey);
  }
  const key = `${config.preferred_token_storage}\n${config.keyring_path}`;
  let store = byKey.get(key);
  if (!store) {
    store = BACKENDS[config.preferred_token_storage](context, config, systemStores);
    byKey.set(key, store);
  }
  return store;
}
