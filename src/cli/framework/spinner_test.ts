import assert from "node:assert/strict";
import { startSpinner } from "./spinner.ts";

function output(isTerminal: boolean) {
  let text = "";
  return { write: (chunk: string) => void (text += chunk), isTerminal, text: () => text };
}

Deno.test("without a terminal the spinner prints plain lines", () => {
  const out = output(false);
  const spinner = startSpinner(out, "Waiting");
  spinner.note("slower now");
  spinner.stop();
  spinner.stop();
  assert.equal(out.text(), "Waiting\nslower now\n");
});

Deno.test("on a terminal the spinner animates one line and erases it when stopped", () => {
  const out = output(true);
  const spinner = startSpinner(out, "Waiting");
  spinner.note("slower now");
  spinner.stop();
  assert.equal(
    out.text(),
    "\r\x1b[2K⠋ Waiting" + "\r\x1b[2Kslower now\n" + "\r\x1b[2K⠙ Waiting" + "\r\x1b[2K",
  );
});
