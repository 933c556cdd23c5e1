/**
 * A scan of a text line by line against rules (a reason and a pattern each), as the
 * repository's own checks use it.
 * @module
 */

/** `file:line: why: text` for each rule that a line of `text` matches. */
export function ruleOffences(file: string, text: string, rules: [string, RegExp][]): string[] {
  const found: string[] = [];
  text.split("\n").forEach((line, index) => {
    for (const [why, pattern] of rules) {
      if (pattern.test(line)) found.push(`${file}:${index + 1}: ${why}: ${line.trim()}`);
    }
  });
  return found;
}
