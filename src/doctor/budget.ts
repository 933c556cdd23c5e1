/**
 * The time limits of `auth doctor`: each network check gets the site's `timeout`, the
 * whole run twice that. A check that is still running when the run's time is up is
 * reported as such; nothing waits longer.
 * @module
 */

/** The reason a check's signal aborts: its own time, or the run's, ran out. */
export class DoctorTimeout extends Error {
  override name = "TimeoutError";
}

/** `1.5` -> `1.5 s` */
export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

/** The run's clock: one deadline for all, a shorter one for each network step. */
export class Budget {
  /** The limit of one network check, in ms (the site's `timeout`). */
  readonly checkMs: number;
  /** The limit of the whole run, in ms. */
  readonly runMs: number;
  #run = new AbortController();
  #timer: ReturnType<typeof setTimeout>;
  #timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(timeoutSeconds: number) {
    this.checkMs = timeoutSeconds * 1000;
    this.runMs = 2 * this.checkMs;
    this.#timer = setTimeout(
      () => this.#run.abort(new DoctorTimeout(`the doctor's ${seconds(this.runMs)} ran out`)),
      Math.min(this.runMs, 2 ** 31 - 1),
    );
  }

  /** Aborted when the run's time is up. */
  get signal(): AbortSignal {
    return this.#run.signal;
  }

  /**
   * A signal for one network step: aborted after the site's timeout or at the end of the
   * run, whichever comes first. Call `done()` when the step is over.
   */
  step(): { signal: AbortSignal; done(): void } {
    const controller = new AbortController();
    const onRunEnd = () => controller.abort(this.#run.signal.reason);
    const timer = setTimeout(
      () => controller.abort(new DoctorTimeout(`no answer within ${seconds(this.checkMs)}`)),
      Math.min(this.checkMs, 2 ** 31 - 1),
    );
    this.#timers.add(timer);
    if (this.#run.signal.aborted) onRunEnd();
    else this.#run.signal.addEventListener("abort", onRunEnd, { once: true });
    return {
      signal: controller.signal,
      done: () => {
        clearTimeout(timer);
        this.#timers.delete(timer);
        this.#run.signal.removeEventListener("abort", onRunEnd);
      },
    };
  }

  /**
   * `promise`, or `late()` when the run's time is up first (the promise is then left to
   * its own bounds).
   */
  race<T>(promise: Promise<T>, late: (reason: unknown) => T): Promise<T> {
    const signal = this.#run.signal;
    if (signal.aborted) {
      promise.catch(() => {});
      return Promise.resolve(late(signal.reason));
    }
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => resolve(late(signal.reason));
      signal.addEventListener("abort", onAbort, { once: true });
      promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
    });
  }

  /** Stops the clocks. */
  close(): void {
    clearTimeout(this.#timer);
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }
}

/**
 * Runs `action` with a step signal and resolves with its result, or rejects with the
 * signal's reason as soon as it aborts (for calls that take no signal themselves).
 */
export async function bounded<T>(
  budget: Budget,
  action: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const step = budget.step();
  try {
    const { signal } = step;
    if (signal.aborted) throw signal.reason;
    return await new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      action(signal).then(resolve, reject).finally(() =>
        signal.removeEventListener("abort", onAbort)
      );
    });
  } finally {
    step.done();
  }
}
