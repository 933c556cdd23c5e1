import assert from "node:assert/strict";
import { Findings, skipped } from "./check.ts";

Deno.test("Findings: all ok says everything found, in order; ok and fix null", () => {
  const findings = new Findings();
  findings.ok("b");
  findings.ok("a", { first: true });
  assert.deepEqual(findings.result("config"), {
    id: "config",
    status: "ok",
    summary: "a; b",
    fix: null,
  });
});

Deno.test("Findings: problems hide what is fine; the worst status wins; fixes once each, in order", () => {
  const findings = new Findings();
  findings.ok("fine");
  findings.warn("loose mode", "chmod 600 f");
  findings.fail("broken", "fix it");
  findings.warn("loose mode again", "chmod 600 f");
  assert.equal(findings.failed, true);
  assert.deepEqual(findings.result("storage"), {
    id: "storage",
    status: "fail",
    summary: "loose mode; broken; loose mode again",
    fix: "chmod 600 f\nfix it",
  });
  const warned = new Findings();
  warned.ok("fine");
  warned.warn("old", "renew");
  assert.equal(warned.result("api-key").status, "warn");
  assert.equal(warned.result("api-key").summary, "old");
});

Deno.test("skipped: status skip, the reason in the summary, no fix", () => {
  assert.deepEqual(skipped("tls", "no network"), {
    id: "tls",
    status: "skip",
    summary: "not checked: no network",
    fix: null,
  });
});
