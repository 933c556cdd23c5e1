/**
 * The time limit of one request (docs/behaviour.md, "HTTP client", Bounds; D38). The site's
 * `timeout` bounds the whole request: connecting, TLS, every redirect, the response headers and
 * the entire body must fit in it, so a server that drips one byte at a time cannot keep a
 * command running. One `AbortSignal` carries the limit together with the caller's own signal
 * (Ctrl-C).
 * @module
 */
import { NetworkError } from "./errors.ts";

/** The abort reason when the time is up. */
class DeadlineExceeded extends Error {
  override name = "TimeoutError";
}

const MAX_TIMER_MS = 2 ** 31 - 1;

/** `1500` -> `1.5 s` */
function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

/** The deadline of one request; call `finish()` once the response is fully read. */
export class Deadline {
  readonly ms: number;
  /** Aborted when the time is up (reason: a `TimeoutError`) or when the caller aborts. */
  readonly signal: AbortSignal;
  #controller = new AbortController();
  #caller: AbortSignal | undefined;
  #timer: ReturnType<typeof setTimeout>;
  #onCallerAbort = () => this.#controller.abort(this.#caller?.reason);

  constructor(ms: number, caller?: AbortSignal) {
    this.ms = ms;
    this.signal = this.#controller.signal;
    this.#caller = caller;
    caller?.addEventListener("abort", this.#onCallerAbort, { once: true });
    // Timers fire at once beyond 2^31 - 1 ms (about 24 days): cap huge timeouts there.
    const delay = Math.min(ms, MAX_TIMER_MS);
    this.#timer = setTimeout(() => this.#controller.abort(new DeadlineExceeded()), delay);
  }

  /** Whether the time ran out (rather than the caller aborting). */
  get expired(): boolean {
    return this.signal.reason instanceof DeadlineExceeded;
  }

  /** Whether the caller's signal aborted: its reason is what the caller should get. */
  get callerAborted(): boolean {
    return this.#caller?.aborted ?? false;
  }

  /**
   * The body is the caller's to read now: the limit still applies while it is read (see
   * `wait`), but an unread body must not keep the process alive until the time is up.
   */
  release(): void {
    this.#timer.unref();
  }

  /** `promise` (a body read), or a rejection with the abort reason as soon as time is up. */
  wait<T>(promise: Promise<T>): Promise<T> {
    const { signal } = this;
    if (signal.aborted) return Promise.reject(signal.reason);
    this.#timer.ref();
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      promise.then(resolve, reject).finally(() => {
        signal.removeEventListener("abort", onAbort);
        this.#timer.unref();
      });
    });
  }

  /** The error for a request whose time ran out before its response, or its body, came. */
  timeoutError(shownUrl: string, phase: "response" | "body"): NetworkError {
    const within = formatSeconds(this.ms);
    const detail = phase === "response"
      ? `no response within ${within} (timeout)`
      : `the response did not finish within ${within} (timeout)`;
    return new NetworkError(shownUrl, "timeout", detail);
  }

  finish(): void {
    clearTimeout(this.#timer);
    this.#caller?.removeEventListener("abort", this.#onCallerAbort);
  }
}
