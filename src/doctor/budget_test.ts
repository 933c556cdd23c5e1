import assert from "node:assert/strict";
import { bounded, Budget, DoctorTimeout } from "./budget.ts";

Deno.test("Budget.race gives the late result when the run's time (twice the timeout) is up", async () => {
  const budget = new Budget(0.05);
  try {
    assert.equal(budget.checkMs, 50);
    assert.equal(budget.runMs, 100);
    const started = Date.now();
    const never = new Promise<string>(() => {});
    const result = await budget.race(never, (reason) => `late: ${(reason as Error).message}`);
    assert.equal(result, "late: the doctor's 0.1 s ran out");
    assert.ok(Date.now() - started >= 90, "not before the time is up");
    // Once the time is up, a new race ends at once.
    assert.equal(await budget.race(Promise.resolve("x"), () => "late"), "late");
  } finally {
    budget.close();
  }
});

Deno.test("bounded() rejects after the site's timeout, with the step's reason", async () => {
  const budget = new Budget(0.05);
  try {
    const err = await bounded(budget, () => new Promise(() => {})).catch((caught) => caught);
    assert.ok(err instanceof DoctorTimeout);
    assert.equal(err.message, "no answer within 0.05 s");
    assert.equal(await bounded(budget, () => Promise.resolve(7)), 7);
  } finally {
    budget.close();
  }
});
