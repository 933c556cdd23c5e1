import assert from "node:assert/strict";
import { Command } from "@commander-js/extra-typings";
import { addLoginOptions, type LoginOptions, loginOptionsFrom } from "./login.ts";

function parse(argv: string[]): LoginOptions {
  let parsed: LoginOptions | undefined;
  const command = addLoginOptions(new Command("login").exitOverride())
    .action((_options, self) => {
      parsed = loginOptionsFrom(self.opts());
    });
  command.parse(argv, { from: "user" });
  assert.ok(parsed);
  return parsed;
}

Deno.test("login options: nothing given overrides nothing", () => {
  assert.deepEqual(parse([]), {});
});

Deno.test("login options: --force, --with-token and the ssl_verify override", () => {
  assert.deepEqual(parse(["--force"]), { force: true });
  assert.deepEqual(parse(["--with-token"]), { withToken: true });
  assert.deepEqual(parse(["--ssl-verify"]), { sslVerify: true });
  assert.deepEqual(parse(["--no-ssl-verify"]), { sslVerify: false });
  assert.deepEqual(parse(["--no-ssl-verify", "--ssl-verify"]), { sslVerify: true });
});
