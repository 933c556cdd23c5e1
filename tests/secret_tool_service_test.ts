/**
 * `SecretToolStore` against the real Secret Service of the private keyring session
 * (scripts/keyring_session.sh): a secret with every awkward character comes back as it went
 * in. The store's calls of `secret-tool` are tested beside the code with a fake spawn.
 * @module
 */
import assert from "node:assert/strict";
import { denoContext } from "../src/context.ts";
import { SecretToolStore } from "../src/store/secret_tool.ts";
import { assertSecretService, SECRET_SERVICE } from "./secret_service.ts";
import { uniqueDomain } from "./token_support.ts";

Deno.test({
  name:
    "secret-tool against the real Secret Service: a secret with quotes, backslashes, newlines and non-ASCII",
  // The Secret Service is the OS keyring of Linux only.
  ignore: Deno.build.os !== "linux" || SECRET_SERVICE.ignore,
  async fn() {
    assertSecretService();
    const store = new SecretToolStore(denoContext());
    const domain = uniqueDomain("special");
    const secret = 'a "quoted" \\ back\\slash\nnew line\r\n tab\t é ü 日本 😀\n';
    try {
      assert.equal(await store.get("Anaconda Cloud", domain), null);
      await store.set("Anaconda Cloud", domain, secret);
      assert.equal(await store.get("Anaconda Cloud", domain), secret);
      await store.set("Anaconda Cloud", domain, "second");
      assert.equal(await store.get("Anaconda Cloud", domain), "second");
    } finally {
      assert.equal(await store.delete("Anaconda Cloud", domain), true);
    }
    assert.equal(await store.get("Anaconda Cloud", domain), null);
    assert.equal(await store.delete("Anaconda Cloud", domain), false);
  },
});
