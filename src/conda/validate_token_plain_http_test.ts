import assert from "node:assert/strict";
import { fakeContext } from "../../tests/fake_context.ts";
import { defaultSiteConfig } from "../config/schema.ts";
import { validateRepoToken } from "./validate_token.ts";

Deno.test("a repo token is not validated over plain HTTP to another host: it is in the URL", async () => {
  const sent: string[] = [];
  const context = fakeContext({
    fetch: (url) => {
      sent.push(String(url));
      return Promise.resolve(new Response(null, { status: 200 }));
    },
  });
  const config = { ...defaultSiteConfig("/nonexistent-home"), site: "s" };
  await assert.rejects(
    validateRepoToken(context, config, "tk-secret-1234", {
      repoUrl: "http://repo.example.test/repo/",
    }),
    {
      name: "InsecureHttpError",
      message: "Refusing to send a credential in the URL over plain HTTP to " +
        "http://repo.example.test/t/REDACTED/repo/main/noarch/repodata.json: anyone on the " +
        "network between could read it. Use an https:// URL, or set " +
        "ANACONDA_AUTH_ALLOW_INSECURE_HTTP=1 in the environment to allow plain HTTP",
    },
  );
  assert.deepEqual(sent, []);
  // A repository on this machine is fine.
  await validateRepoToken(context, config, "tk-secret-1234", {
    repoUrl: "http://127.0.0.1:8080/repo/",
  });
  assert.equal(sent.length, 1);
});
