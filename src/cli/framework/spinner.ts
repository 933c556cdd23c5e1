/**
 * "Waiting ..." feedback on stderr: an animated spinner on a terminal, plain lines
 * otherwise (logs and pipes get each message once).
 * @module
 */
import type { Output } from "../../context.ts";

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const FRAME_MS = 100;
const CLEAR_LINE = "\r\x1b[2K";

export interface Spinner {
  /** Prints a line above the spinner (or just a line when not animated). */
  note(text: string): void;
  /** Stops and erases the spinner. Safe to call twice. */
  stop(): void;
}

/** Starts showing `text`; animated only when `out` is a terminal. */
export function startSpinner(out: Output, text: string): Spinner {
  if (!out.isTerminal) {
    out.write(`${text}\n`);
    return { note: (line) => out.write(`${line}\n`), stop: () => {} };
  }
  let frame = 0;
  const draw = () => {
    out.write(`${CLEAR_LINE}${FRAMES[frame % FRAMES.length]} ${text}`);
    frame += 1;
  };
  draw();
  let timer: ReturnType<typeof setInterval> | undefined = setInterval(draw, FRAME_MS);
  return {
    note(line) {
      out.write(`${CLEAR_LINE}${line}\n`);
      if (timer !== undefined) draw();
    },
    stop() {
      if (timer === undefined) return;
      clearInterval(timer);
      timer = undefined;
      out.write(CLEAR_LINE);
    },
  };
}
