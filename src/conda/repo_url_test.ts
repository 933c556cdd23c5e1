import assert from "node:assert/strict";
import { ConfigError } from "../errors.ts";
import {
  channelUrl,
  checkTokenCharacters,
  DEFAULT_REPO_URL,
  repoUrl,
  withToken,
} from "./repo_url.ts";
import { TokenValidationError } from "./errors.ts";

const env = (value?: string) => ({
  get: (name: string) => (name === "CONDA_TOKEN_REPO_URL" ? value : undefined),
});

Deno.test("REPO_URL defaults to repo.anaconda.cloud and always ends in a slash", () => {
  assert.equal(repoUrl(env()), "https://repo.anaconda.cloud/repo/");
  assert.equal(repoUrl(env("")), DEFAULT_REPO_URL);
  assert.equal(
    repoUrl(env("https://mirror.example:8443/repo")),
    "https://mirror.example:8443/repo/",
  );
  assert.equal(repoUrl(env("http://127.0.0.1:9/repo/")), "http://127.0.0.1:9/repo/");
});

Deno.test("a REPO_URL that is not a plain http(s) URL is a ConfigError naming the variable", () => {
  for (
    const [value, problem] of [
      ["repo.example/repo/", "is not an http(s) URL"],
      ["ftp://repo.example/", "is not an http(s) URL"],
      ["https://user:pw@repo.example/", "must not hold a user name or password"],
      ["https://repo.example/repo/?x=1", "must not have a query or fragment"],
    ]
  ) {
    assert.throws(
      () => repoUrl(env(value)),
      (err) =>
        err instanceof ConfigError && err.message === `CONDA_TOKEN_REPO_URL ${problem}` &&
        !err.message.includes(value!),
    );
  }
});

Deno.test("channels join under REPO_URL", () => {
  assert.equal(channelUrl(DEFAULT_REPO_URL, "main"), "https://repo.anaconda.cloud/repo/main");
  assert.equal(
    channelUrl(DEFAULT_REPO_URL, "main/noarch/repodata.json"),
    "https://repo.anaconda.cloud/repo/main/noarch/repodata.json",
  );
});

Deno.test("conda puts the token right after host[:port], whatever the path (D58)", () => {
  // conda/models/channel.py: a default channel's location is host[:port]
  // (make_simple_channel), and Channel.urls joins location, "t", token, name.
  assert.equal(
    withToken("https://repo.anaconda.cloud/repo/main/noarch/repodata.json", "tk-1"),
    "https://repo.anaconda.cloud/t/tk-1/repo/main/noarch/repodata.json",
  );
  assert.equal(
    withToken("http://127.0.0.1:8080/repo/main", "tk"),
    "http://127.0.0.1:8080/t/tk/repo/main",
  );
  assert.equal(
    withToken("https://host.example/conda/repo/main/noarch/repodata.json", "tk"),
    "https://host.example/t/tk/conda/repo/main/noarch/repodata.json",
  );
  assert.equal(
    withToken("https://host.example:8443/a/b/c/main", "A_b-9"),
    "https://host.example:8443/t/A_b-9/a/b/c/main",
  );
});

Deno.test("only tokens of [A-Za-z0-9_-] are accepted, raw, and the error never shows them (D56)", () => {
  for (const good of ["abc", "A-Z_0-9", "-", "tk-0123456789abcdef"]) {
    assert.doesNotThrow(() => checkTokenCharacters(good), good);
  }
  for (const bad of ["ab/cd", "ab+cd=", "a b", "tok%2F", "é", "a.b", "a\nb", "a?b", "a#b", ""]) {
    assert.throws(
      () => checkTokenCharacters(bad),
      (err: unknown) =>
        err instanceof TokenValidationError && (bad === "" || !err.message.includes(bad)),
      JSON.stringify(bad),
    );
    assert.throws(() => withToken("https://repo.example/repo/main", bad), TokenValidationError);
  }
});
