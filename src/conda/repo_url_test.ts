import assert from "node:assert/strict";
import { ConfigError } from "../errors.ts";
import { channelUrl, DEFAULT_REPO_URL, repoUrl, withToken } from "./repo_url.ts";

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

Deno.test("conda puts the token after host[:port], or after a leading /conda", () => {
  assert.equal(
    withToken("https://repo.anaconda.cloud/repo/main/noarch/repodata.json", "tk-1"),
    "https://repo.anaconda.cloud/t/tk-1/repo/main/noarch/repodata.json",
  );
  assert.equal(
    withToken("http://127.0.0.1:8080/repo/main", "tk"),
    "http://127.0.0.1:8080/t/tk/repo/main",
  );
  assert.equal(
    withToken("https://host.example/conda/repo/main", "tk"),
    "https://host.example/conda/t/tk/repo/main",
  );
  assert.equal(
    withToken("https://host.example/condaforge/main", "tk"),
    "https://host.example/t/tk/condaforge/main",
  );
});

Deno.test("a token with characters that need quoting stays in its path segment", () => {
  const url = withToken("https://repo.example/repo/main", "a/b ?#%+é");
  assert.equal(url, "https://repo.example/t/a%2Fb%20%3F%23%25%2B%C3%A9/repo/main");
  assert.equal(decodeURIComponent(new URL(url).pathname.split("/")[2]!), "a/b ?#%+é");
});
