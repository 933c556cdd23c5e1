/**
 * Path helpers for every layer, without `node:path` (importing it costs start-up time).
 * Both `/` and `\` count as separators when reading a path; joins use the platform's.
 * @module
 */

const SEPARATOR = Deno.build.os === "windows" ? "\\" : "/";

/** Joins path parts with the platform separator; a trailing separator of the first is dropped. */
export function joinPath(...parts: string[]): string {
  // (No callback per part: joins are everywhere, and V8 queues a function that runs a few
  // times for its background compiler.)
  const [first = "", ...rest] = parts;
  return [first.replace(/[\\/]+$/, ""), ...rest].join(SEPARATOR);
}

function lastSeparator(path: string): number {
  return Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
}

/** The folder of a path: `/a/b` -> `/a`, `/a` -> `/`, `b` -> `.`. */
export function dirName(path: string): string {
  const cut = lastSeparator(path);
  if (cut < 0) return ".";
  return cut === 0 ? path.slice(0, 1) : path.slice(0, cut);
}

/** The last part of a path: `/a/b` -> `b`. */
export function baseName(path: string): string {
  return path.slice(lastSeparator(path) + 1);
}

/** `~` and `~/x` (or `~\x`) under the home folder; other paths unchanged. */
export function expandHome(path: string, homeDir: string): string {
  if (path === "~") return homeDir;
  if (path.startsWith("~/") || path.startsWith("~\\")) return joinPath(homeDir, path.slice(2));
  return path;
}

/** `/x`, `C:\x`, `C:/x` or `\\server\share`. */
export function isAbsolute(path: string): boolean {
  return path.startsWith("/") || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith("\\\\");
}
