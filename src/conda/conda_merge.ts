/**
 * How conda merges one setting found in several `.condarc` files, from the
 * `LoadedParameter` classes of conda's `conda/common/configuration.py`. The files come
 * in search-path order (lowest precedence first); a file's value is a match, and a
 * match whose key carries a `#!final` comment is "important":
 *
 * - only the matches up to and including the first important one count
 *   (`_first_important_matches`): a `#!final` in an early file hides later files;
 * - a sequence (`channels`) is the union of those matches' items, later files first,
 *   each item once (`SequenceLoadedParameter.merge`, without `#!top`/`#!bottom`);
 * - a primitive (`ssl_verify`) is the first important match, else the last match
 *   (`PrimitiveLoadedParameter.merge`);
 * - a map (`proxy_servers`) merges entry by entry with the primitive rule, where an
 *   entry's own `#!final` comment makes it important (`MapLoadedParameter.merge`).
 *
 * A value of `~` (null) is no match (`SequenceParameter.get_all_matches` drops it).
 * @module
 */

/** One file's value of a setting. */
export interface Match<T> {
  /** The file. */
  source: string;
  /** Its place in conda's search order. */
  index: number;
  value: T;
  /** The key carries `#!final`. */
  final: boolean;
  /** For a map: its entries that carry `#!final`. */
  finalEntries?: ReadonlySet<string>;
}

/** The matches conda looks at: up to and including the first important one. */
export function relevantMatches<T>(matches: readonly Match<T>[]): Match<T>[] {
  const index = matches.findIndex((match) => match.final);
  return index === -1 ? [...matches] : matches.slice(0, index + 1);
}

/** A sequence setting: the union of the relevant matches, later files first. */
export function mergeSequence(matches: readonly Match<readonly unknown[]>[]): unknown[] {
  const merged: unknown[] = [];
  for (const match of relevantMatches(matches).reverse()) {
    for (const item of match.value) if (!merged.includes(item)) merged.push(item);
  }
  return merged;
}

/** A primitive setting: the first important match, else the last; undefined for none. */
export function mergePrimitive<T>(matches: readonly Match<T>[]): Match<T> | undefined {
  return matches.find((match) => match.final) ?? matches.at(-1);
}

/** A map setting, entry by entry; undefined when no file sets it. */
export function mergeMap<T>(
  matches: readonly Match<Readonly<Record<string, T>>>[],
): Record<string, T> | undefined {
  const relevant = relevantMatches(matches);
  if (relevant.length === 0) return undefined;
  const entries = new Map<string, Match<T>[]>();
  for (const match of relevant) {
    for (const [key, value] of Object.entries(match.value)) {
      const list = entries.get(key) ?? [];
      const final = match.finalEntries?.has(key) ?? false;
      list.push({ source: match.source, index: match.index, value, final });
      entries.set(key, list);
    }
  }
  const merged: Record<string, T> = {};
  for (const [key, list] of entries) merged[key] = mergePrimitive(list)!.value;
  return merged;
}
