import assert from "node:assert/strict";
import { keyringDomain } from "./credential.ts";

Deno.test("the keyring domain is the login service's host without auth.", () => {
  assert.equal(
    keyringDomain("https://auth.anaconda.com/api/auth/oauth2/authorize"),
    "anaconda.com",
  );
  assert.equal(keyringDomain("https://127.0.0.1:8443/authorize"), "127.0.0.1:8443");
  assert.equal(keyringDomain("https://login.auth.example/x"), "login.auth.example");
});
