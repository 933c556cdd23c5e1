/**
 * Property-based tests ("fuzzing") share one budget: a few hundred cases per property in
 * the normal test suite, and `FUZZ_RUNS` cases (10,000 with `deno task fuzz`) when set.
 * Seeds are fixed, so every run checks the same cases and a failure reproduces.
 * Property tests are named `property: ...` so `deno task fuzz` can pick them.
 * @module
 */

/** The number of cases for a property: `inSuite`, or `FUZZ_RUNS` when it is set. */
export function fuzzRuns(inSuite: number): number {
  const override = Number(Deno.env.get("FUZZ_RUNS"));
  return Number.isInteger(override) && override > 0 ? override : inSuite;
}
