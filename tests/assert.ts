/**
 * Small assertions in the style of Deno's std (JSR is unreachable here), built on
 * `node:assert/strict`.
 * @module
 */
import assert from "node:assert/strict";

export function assertEquals<T>(actual: T, expected: T, message?: string): void {
  assert.deepStrictEqual(actual, expected, message);
}

export function assertMatch(actual: string, pattern: RegExp, message?: string): void {
  assert.match(actual, pattern, message);
}

export function assertStringIncludes(actual: string, expected: string): void {
  assert.ok(
    actual.includes(expected),
    `expected ${JSON.stringify(actual)} to include ${JSON.stringify(expected)}`,
  );
}

type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;

function checkError<E extends Error>(
  error: unknown,
  errorClass: ErrorClass<E>,
  includes?: string,
): E {
  assert.ok(error instanceof errorClass, `expected ${errorClass.name}, got ${String(error)}`);
  if (includes !== undefined) assertStringIncludes(error.message, includes);
  return error;
}

/** Runs `fn`, expects it to throw an `errorClass` (whose message includes `includes`). */
export function assertThrows<E extends Error>(
  fn: () => unknown,
  errorClass: ErrorClass<E>,
  includes?: string,
): E {
  try {
    fn();
  } catch (error) {
    return checkError(error, errorClass, includes);
  }
  throw new assert.AssertionError({ message: `expected ${errorClass.name} to be thrown` });
}

export async function assertRejects<E extends Error>(
  fn: () => Promise<unknown>,
  errorClass: ErrorClass<E>,
  includes?: string,
): Promise<E> {
  try {
    await fn();
  } catch (error) {
    return checkError(error, errorClass, includes);
  }
  throw new assert.AssertionError({ message: `expected ${errorClass.name} to be rejected` });
}
