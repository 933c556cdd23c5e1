import assert from "node:assert/strict";
import { toAccount } from "./account.ts";

const URL = "https://a.test/api/account";

Deno.test("an account gets the site's domain, replacing one the server sent", () => {
  assert.deepEqual(
    toAccount(
      { user: { username: "jane" }, profile: {}, subscriptions: [], domain: "x" },
      URL,
      "a.test",
    ),
    { user: { username: "jane" }, profile: {}, subscriptions: [], domain: "a.test" },
  );
});

Deno.test("an account of the wrong shape names what is wrong", () => {
  const cases: [unknown, string][] = [
    [[{ user: {} }], "is not a JSON object"],
    [{ profile: {} }, 'is not an account: it has no "user"'],
    [{ user: null }, 'is not an account: "user" is not an object'],
    [{ user: {}, profile: [] }, 'is not an account: "profile" is not an object'],
    [{ user: {}, subscriptions: {} }, 'is not an account: "subscriptions" is not a list'],
  ];
  for (const [value, detail] of cases) {
    assert.throws(() => toAccount(value, URL, "a.test"), {
      name: "UnexpectedResponseError",
      message: `Response from ${URL} ${detail}`,
    });
  }
});
