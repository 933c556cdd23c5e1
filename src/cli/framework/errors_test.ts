import { assertEquals, assertMatch } from "../../../tests/assert.ts";
import { ConfigError, InterruptedError, TokenNotFoundError } from "../../errors.ts";
import { AbortError, reportError, UsageError } from "./errors.ts";

function report(err: unknown, verbose = false): { code: number; text: string } {
  let text = "";
  const code = reportError(err, { write: (chunk) => void (text += chunk) }, verbose);
  return { code, text };
}

Deno.test("an expected error is one line ErrorName: message with exit code 1", () => {
  assertEquals(report(new TokenNotFoundError("Login is required to complete this action.")), {
    code: 1,
    text: "TokenNotFoundError: Login is required to complete this action.\n",
  });
});

Deno.test("usage errors exit 2, interruptions 130, and Aborted prints its message alone", () => {
  assertEquals(report(new UsageError("bad flag")).code, 2);
  assertEquals(report(new InterruptedError("Login cancelled")), {
    code: 130,
    text: "\nLogin cancelled\n",
  });
  assertEquals(report(new AbortError("")), { code: 1, text: "Aborted.\n" });
});

Deno.test("--verbose adds the stack trace of an unexpected error", () => {
  const quiet = report(new TypeError("boom"));
  assertEquals(quiet, { code: 1, text: "TypeError: boom\n" });
  const verbose = report(new TypeError("boom"), true);
  assertMatch(verbose.text, /^TypeError: boom\nTypeError: boom\n\s+at /);
});

Deno.test("config errors never show a stack trace, even with --verbose", () => {
  assertEquals(report(new ConfigError("bad value"), true), {
    code: 1,
    text: "ConfigError: bad value\n",
  });
});
