/**
 * The doctor reports what it finds in its checks, not as notices: the core functions it
 * calls get a context whose notices go where the doctor says.
 * @module
 */
import type { Context, NoticeHandler } from "../context.ts";

/** `context` with its notices sent to `notify` instead. */
export function withNotify(context: Context, notify: NoticeHandler): Context {
  const wrapped = Object.create(context) as Context;
  wrapped.notify = notify;
  return wrapped;
}
