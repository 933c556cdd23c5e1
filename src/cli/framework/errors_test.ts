import assert from "node:assert/strict";
import {
  ConfigError,
  InterruptedError,
  TokenNotFoundError,
  TomlSyntaxError,
  UnknownSiteError,
} from "../../errors.ts";
import { AbortError, addHint, reportError, UsageError } from "./errors.ts";

function report(err: unknown, verbose = false): { code: number; text: string } {
  let text = "";
  const code = reportError(err, { write: (chunk) => void (text += chunk) }, verbose);
  return { code, text };
}

Deno.test("an expected error is one line ErrorName: message with exit code 1", () => {
  assert.deepEqual(report(new TokenNotFoundError("Login is required to complete this action.")), {
    code: 1,
    text: "TokenNotFoundError: Login is required to complete this action.\n",
  });
});

Deno.test("usage errors exit 2, interruptions 130, and Aborted prints its message alone", () => {
  assert.deepEqual(report(new UsageError("bad flag")).code, 2);
  assert.deepEqual(report(new InterruptedError("Login cancelled")), {
    code: 130,
    text: "\nLogin cancelled\n",
  });
  assert.deepEqual(report(new AbortError("")), { code: 1, text: "Aborted.\n" });
});

Deno.test("--verbose adds the stack trace of an unexpected error", () => {
  const quiet = report(new TypeError("boom"));
  assert.deepEqual(quiet, { code: 1, text: "TypeError: boom\n" });
  const verbose = report(new TypeError("boom"), true);
  assert.match(verbose.text, /^TypeError: boom\nTypeError: boom\n\s+at /);
});

Deno.test("config errors never show a stack trace, even with --verbose", () => {
  assert.deepEqual(report(new ConfigError("bad value"), true), {
    code: 1,
    text: "ConfigError: bad value\n",
  });
});

Deno.test("a TOML syntax error is `TomlSyntaxError: <path>:<line>:<col>: <message>`", () => {
  assert.deepEqual(report(new TomlSyntaxError("/h/.anaconda/config.toml:2:13: invalid value")), {
    code: 1,
    text: "TomlSyntaxError: /h/.anaconda/config.toml:2:13: invalid value\n",
  });
});

Deno.test("an unexpected error is one readable line: no escapes, colours or runtime hints", () => {
  // What Deno throws when a module imports a package that deno.json does not map.
  const err = new TypeError(
    'Import "smol-toml" not a dependency\n    at file:///x/src/config/toml_parse.ts:5:30\n' +
      "    \x1b[36mhint:\x1b[0m If you want to use a JSR or npm package, try running " +
      "`deno add npm:smol-toml`",
  );
  assert.deepEqual(report(err), {
    code: 1,
    text:
      'TypeError: Import "smol-toml" not a dependency at file:///x/src/config/toml_parse.ts:5:30\n',
  });
  // A control character that is not a line break stays visible as an escape.
  assert.deepEqual(report(new Error("a\x07b")).text, "Error: a\\x07b\n");
});

Deno.test("a line break in an expected error's message becomes a space", () => {
  assert.deepEqual(
    report(new ConfigError("Cannot read /x:\n  permission denied")).text,
    "ConfigError: Cannot read /x: permission denied\n",
  );
});

Deno.test("usage errors end with the command's --help hint; added hints come under the error", () => {
  const usage = new UsageError("missing --org");
  usage.commandPath = ["anaconda", "token", "uninstall"];
  assert.deepEqual(report(usage), {
    code: 2,
    text: "UsageError: missing --org\nTry 'anaconda token uninstall --help' for help.\n",
  });
  assert.deepEqual(
    report(addHint(new ConfigError("no"), "To log in, run: anaconda login")).text,
    "ConfigError: no\nTo log in, run: anaconda login\n",
  );
});

Deno.test("an unknown site lists the sites that would have worked", () => {
  assert.deepEqual(
    report(new UnknownSiteError("The site or domain x has not been configured in /c", ["a", "b"])),
    {
      code: 1,
      text: "UnknownSiteName: The site or domain x has not been configured in /c\n" +
        "Use one of: a, b\n",
    },
  );
});
