/** The one version constant: `--version`, User-Agent and API-key tags use it. */
export const VERSION = "0.1.0";
