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
  return { ...env, ...extra };
}
