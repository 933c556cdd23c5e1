/**
 * The names conda accepts for the settings this project reads or writes, from the
 * `ParameterLoader(..., aliases=...)` declarations of conda's `conda/base/context.py`. conda's
 * configuration loader takes a parameter's attribute name and each alias as keys; a file that
 * holds two names of one parameter is refused as a whole (`MultipleKeysError: Multiple aliased
 * keys in file ...`), so an edit must rename an old name in place rather than add the new one
 * beside it (D55).
 * @module
 */

/**
 * Every name of each setting: the name this project writes first, then the other names
 * conda reads for it (`_default_channels` and the like are the attribute names, which
 * conda accepts as keys too).
 */
export const CONDA_KEY_NAMES: Readonly<Record<string, readonly string[]>> = {
  add_anaconda_token: ["add_anaconda_token", "add_binstar_token"],
  ssl_verify: ["ssl_verify", "verify_ssl"],
  default_channels: ["default_channels", "_default_channels"],
  signing_metadata_url_base: ["signing_metadata_url_base", "_signing_metadata_url_base"],
  channels: ["channels", "channel", "_channels"],
  client_ssl_cert: ["client_ssl_cert", "client_cert"],
  client_ssl_cert_key: ["client_ssl_cert_key", "client_cert_key"],
  extra_safety_checks: ["extra_safety_checks"],
  restore_free_channel: ["restore_free_channel"],
  proxy_servers: ["proxy_servers"],
};

/** The names conda reads for `key` (just `key` for a setting without aliases). */
export function namesOf(key: string): readonly string[] {
  return CONDA_KEY_NAMES[key] ?? [key];
}

/** The other names conda reads for `key`: the ones an edit of `key` renames or removes. */
export function aliasesOf(key: string): readonly string[] {
  return namesOf(key).filter((name) => name !== key);
}

/** The names of `key` that `settings` holds, in the order of `namesOf`. */
export function presentNames(settings: Record<string, unknown>, key: string): string[] {
  return namesOf(key).filter((name) => Object.hasOwn(settings, name));
}

/**
 * The value of `key` in one file's `settings`, under whichever name it is written
 * (the canonical name first, as conda prefers it when a file has both).
 */
export function condaSetting(settings: Record<string, unknown>, key: string): unknown {
  const [name] = presentNames(settings, key);
  return name === undefined ? undefined : settings[name];
}
