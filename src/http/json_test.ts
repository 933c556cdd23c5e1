import assert from "node:assert/strict";
import { parseJsonBody, requireJsonObject } from "./json.ts";

const source = { url: "https://a.test/x", status: 200, contentType: "application/json" };

function problem(text: string, contentType: string | null = source.contentType): string {
  try {
    parseJsonBody(text, { ...source, contentType });
  } catch (err) {
    return (err as Error).message;
  }
  return "parsed";
}

Deno.test("a body that is not JSON is named for what it is: empty, another type, invalid JSON", () => {
  assert.equal(problem("   "), "Response from https://a.test/x is empty, not JSON (HTTP 200)");
  assert.equal(
    problem("<html></html>", "text/html; charset=utf-8"),
    "Response from https://a.test/x is text/html, not JSON (HTTP 200)",
  );
  assert.equal(
    problem('{"user": '),
    "Response from https://a.test/x is not valid JSON: Unexpected end of JSON input",
  );
  assert.equal(
    problem("{}", "application/problem+json"),
    "parsed",
  );
  assert.equal(
    problem("not json", null),
    "Response from https://a.test/x is not valid JSON: " +
      "Unexpected token 'o'",
  );
});

Deno.test("the parse error does not quote the body, which may hold a secret", () => {
  const message = problem('{"api_key": "eyJ-secret-value" oops}');
  assert.ok(!message.includes("secret-value"), message);
  assert.match(message, /is not valid JSON: Expected ',' or '}' after property value/);
  assert.ok(!problem("eyJ-secret-value").includes("secret-value"));
});

Deno.test("requireJsonObject refuses arrays, null and scalars", () => {
  for (const value of [[], null, "x", 1]) {
    assert.throws(() => requireJsonObject(value, "https://a.test/x"), {
      name: "UnexpectedResponseError",
      message: "Response from https://a.test/x is not a JSON object",
    });
  }
  assert.deepEqual(requireJsonObject({ a: 1 }, "https://a.test/x"), { a: 1 });
});
