/**
 * The permissions the CLI runs with (no `-A`): the `anaconda` task, the compiled
 * executables and the end-to-end tests all use this list. `--allow-sys` is for the
 * hostname of the X-Client-Hostname header; `--allow-run` for secret-tool, security,
 * conda and the browser opener.
 * @module
 */
export const RUN_PERMISSIONS = [
  "--allow-env",
  "--allow-read",
  "--allow-write",
  "--allow-net",
  "--allow-run",
  "--allow-sys",
];
