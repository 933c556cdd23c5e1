/**
 * The README's first command, `deno task demo`: a whole session against the stand-in
 * service ends well and shows what each step did.
 * @module
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { childEnv } from "../scripts/child_env.ts";

/** The test certificates made beforehand, where the demo's stand-in cannot run openssl (Wine). */
function premadeCertificates(): Record<string, string> {
  const dir = Deno.env.get("ANACONDA_TEST_CERTIFICATES");
  return dir === undefined ? {} : { ANACONDA_TEST_CERTIFICATES: dir };
}

Deno.test("the demo logs in, reads the account and key, installs a repo token and logs out", async () => {
  const home = await Deno.makeTempDir({ prefix: "anaconda-demo-test-" });
  try {
    const demo = fileURLToPath(new URL("../scripts/demo.ts", import.meta.url));
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--quiet", "--allow-all", demo],
      env: { ...childEnv(home), ...premadeCertificates(), NO_COLOR: "1" },
      clearEnv: true,
      stdin: "null",
    }).output();
    const out = new TextDecoder().decode(stdout);
    const err = new TextDecoder().decode(stderr);
    assert.equal(code, 0, `${out}\n${err}`);
    for (
      const command of [
        "auth login",
        "auth whoami",
        "auth api-key",
        "token install --yes",
        "token list",
        "auth logout",
      ]
    ) {
      assert.ok(out.includes(`$ anaconda ${command}\n`), `${command} missing:\n${out}`);
    }
    assert.match(err, /✓ Login successful!/);
    assert.match(out, /"email": "jane\.doe@example\.com"/);
    assert.match(err, /✓ Success! Your token has been installed and validated/);
    assert.match(out, /^acme +https:\/\/127\.0\.0\.1:\d+\/repo\/acme\/\*/m);
    assert.match(out, /^add_anaconda_token: true$/m);
    assert.match(err, /TokenNotFoundError: Login is required to complete this action\./);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
