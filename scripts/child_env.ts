/**
 * The environment of a CLI subprocess in a temporary HOME (tests, demo, bench):
 * nothing from the developer's ANACONDA_* settings, but Deno's module cache and the
 * machine's extra CA certificates, which would otherwise be looked up in that HOME.
 * @module
 */

/** Deno's cache folder of the running process. */
export function denoDir(): string {
  const fromEnv = Deno.env.get("DENO_DIR");
  if (fromEnv) return fromEnv;
  if (Deno.build.os === "windows") return `${Deno.env.get("LOCALAPPDATA") ?? ""}\\deno`;
  const home = Deno.env.get("HOME") ?? "";
  if (Deno.build.os === "darwin") return `${home}/Library/Caches/deno`;
  return `${Deno.env.get("XDG_CACHE_HOME") ?? `${home}/.cache`}/deno`;
}

/** A clean environment for `home`, with `extra` merged over it. */
export function childEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: home,
    DENO_DIR: denoDir(),
    // No real secrets folder: it defaults to /run/secrets otherwise.
    ANACONDA_SECRETS_DIR: `${home}/.no-secrets`,
  };
  for (const name of ["NODE_EXTRA_CA_CERTS", "DENO_CERT", "NO_COLOR", "TERM"]) {
    const value = Deno.env.get(name);
    if (value !== undefined) env[name] = value;
  }
  if (Deno.build.os === "windows") Object.assign(env, windowsEnv(home));
  return { ...env, ...extra };
}

/**
 * On Windows: the home folder where Windows programs look for it (USERPROFILE, and the
 * AppData folders under it), and what a Windows program needs to start at all (Winsock
 * needs SystemRoot).
 */
function windowsEnv(home: string): Record<string, string> {
  const env: Record<string, string> = {
    USERPROFILE: home,
    APPDATA: `${home}\\AppData\\Roaming`,
    LOCALAPPDATA: `${home}\\AppData\\Local`,
  };
  for (const name of ["SystemRoot", "SystemDrive", "windir", "ComSpec", "PATHEXT", "TEMP", "TMP"]) {
    const value = Deno.env.get(name);
    if (value !== undefined) env[name] = value;
  }
  return env;
}
