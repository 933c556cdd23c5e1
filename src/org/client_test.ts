import assert from "node:assert/strict";
import { apiBase } from "./client.ts";

Deno.test("the API base has a scheme and no trailing slash", () => {
  assert.equal(apiBase("api.example.org/"), "https://api.example.org");
  assert.equal(apiBase("http://localhost:8080/api//"), "http://localhost:8080/api");
});
