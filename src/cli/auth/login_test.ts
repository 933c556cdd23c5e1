import assert from "node:assert/strict";
import { parseArgv } from "../framework/args.ts";
import { ROOT } from "../root.ts";

async function parse(argv: string[]): Promise<Record<string, unknown>> {
  const parsed = await parseArgv(["auth", "login", ...argv], ROOT);
  assert.equal(parsed.kind, "run");
  return parsed.kind === "run" ? parsed.input : {};
}

Deno.test("login options: nothing given overrides nothing", async () => {
  assert.deepEqual(await parse([]), {});
});

Deno.test("login options: --force, --with-token and the ssl_verify override", async () => {
  assert.deepEqual(await parse(["--force"]), { force: true });
  assert.deepEqual(await parse(["--with-token"]), { withToken: true });
  assert.deepEqual(await parse(["--ssl-verify"]), { sslVerify: true });
  assert.deepEqual(await parse(["--no-ssl-verify"]), { sslVerify: false });
  assert.deepEqual(await parse(["--no-ssl-verify", "--ssl-verify"]), { sslVerify: true });
});
