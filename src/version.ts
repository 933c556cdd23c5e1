/** The one version constant: `--version`, User-Agent and API-key tags use it. */
export const VERSION = "0.1.0";

/** What `anaconda --version` prints. */
export function versionLine(): string {
  return `anaconda-auth ${VERSION}\n`;
}
