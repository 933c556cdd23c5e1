import assert from "node:assert/strict";
import { HttpError, reasonPhrase, redactUrl } from "./errors.ts";

Deno.test("HTTP errors use the Python wording for client and server errors", () => {
  assert.equal(
    new HttpError(404, "Not Found", "https://a.test/x").message,
    "404 Client Error: Not Found for url: https://a.test/x",
  );
  assert.equal(
    new HttpError(503, reasonPhrase(503), "https://a.test/").message,
    "503 Server Error: Service Unavailable for url: https://a.test/",
  );
  assert.equal(reasonPhrase(404, "Nope"), "Nope");
  assert.equal(reasonPhrase(599), "Unknown");
});

Deno.test("URLs in messages hide repo tokens, user info and credential parameters", () => {
  assert.equal(
    redactUrl("https://repo.anaconda.cloud/t/abc123secret/repo/main/noarch/repodata.json"),
    "https://repo.anaconda.cloud/t/REDACTED/repo/main/noarch/repodata.json",
  );
  assert.equal(
    redactUrl("https://user:pw@a.test/api?client_token=s3cret&org=x"),
    "https://a.test/api?client_token=REDACTED&org=x",
  );
  assert.equal(
    redactUrl("https://a.test/cb?code=c0de&state=s"),
    "https://a.test/cb?code=REDACTED&state=s",
  );
  assert.equal(redactUrl("https://a.test/api/account"), "https://a.test/api/account");
  assert.equal(redactUrl("not a url"), "not a url");
});
