/**
 * "Did you mean ...?" for unknown commands and options: the known names within a small
 * edit distance. Loaded only when a usage error needs it.
 * @module
 */

/** Damerau-Levenshtein distance (adjacent transpositions count as one edit). */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      }
      rows[i]![j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

/**
 * `" (Did you mean X?)"` for the closest known names (ties listed together), or `""`
 * when none is close: at most 40% of the word's letters may differ.
 */
export function suggest(word: string, known: string[]): string {
  const bare = (name: string) => name.replace(/^--?/, "");
  let best = Infinity;
  let matches: string[] = [];
  for (const name of new Set(known)) {
    const distance = editDistance(bare(word), bare(name));
    if (distance > Math.max(1, Math.floor(bare(word).length * 0.4))) continue;
    if (distance < best) [best, matches] = [distance, [name]];
    else if (distance === best) matches.push(name);
  }
  return matches.length === 0 ? "" : ` (Did you mean ${matches.join(", ")}?)`;
}
