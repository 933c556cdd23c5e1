/**
 * The API-version check (docs/behaviour.md, "HTTP client", API version): when a response
 * carries `Min-Api-Version` above the client's `Api-Version`, warn once per client and pair, as
 * the Python tool's `DeprecationWarning` does.
 * @module
 */
import type { NoticeHandler } from "../context.ts";

/** `1.02.3` -> [1, 2, 3, ""] (leading zeros dropped); null unless major.minor.patch. */
export function parseApiVersion(value: string): [number, number, number, string] | null {
  const match = /^\s*v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?\s*$/.exec(
    value,
  );
  if (!match) return null;
  return [Number(match[1]), Number(match[2]), Number(match[3]), match[4] ?? ""];
}

/** Whether `client` is an older API version than `minimum` (semver; unparsable -> false). */
export function isOlderApiVersion(client: string, minimum: string): boolean {
  const a = parseApiVersion(client);
  const b = parseApiVersion(minimum);
  if (a === null || b === null) return false;
  for (let index = 0; index < 3; index++) {
    const x = a[index] as number;
    const y = b[index] as number;
    if (x !== y) return x < y;
  }
  // A pre-release is older than the release: 1.0.0-rc1 < 1.0.0.
  if (a[3] === b[3]) return false;
  if (a[3] === "") return false;
  if (b[3] === "") return true;
  return a[3] < b[3];
}

/**
 * Sends the deprecation notice when `headers` ask for a newer API than `current`, once
 * per pair in `warned` (one set per client, like Python's `warnings` filter).
 */
export function warnIfApiTooOld(
  headers: Headers,
  current: string | null | undefined,
  to: { notify: NoticeHandler; warned: Set<string> },
): void {
  const { warned } = to;
  const minimum = headers.get("Min-Api-Version");
  if (!minimum || !current || warned.has(`${current} ${minimum}`)) return;
  if (!isOlderApiVersion(current, minimum)) return;
  warned.add(`${current} ${minimum}`);
  to.notify({
    level: "deprecation",
    message:
      `Client API version is ${current}, minimum supported API version is ${minimum}. You may need to update your client.`,
  });
}
