/**
 * `anaconda auth doctor [--at SITE] [--json]`: checks the selected site's set-up and
 * says what is wrong and how to fix it, as a checklist (one line per check, the fix
 * under each one that is not ok) or as JSON. Exits 1 when a check failed.
 * @module
 */
import type { App } from "../framework/app.ts";
import { flag, leaf } from "../framework/args.ts";
import type { CheckStatus, Diagnosis } from "../../doctor/mod.ts";
import { escapeControl } from "../../text.ts";

export interface DoctorOptions {
  json?: boolean;
}

export const command = leaf({
  name: "doctor",
  description: "Check the site's settings, key, network, TLS and conda set-up, and say how to " +
    "fix what is wrong\nExits 1 when a check fails.",
  options: { json: flag("--json", "print JSON") },
  examples: [
    "anaconda auth doctor",
    "anaconda auth doctor --at work --json | jq '.checks[] | select(.fix)'",
  ],
  run: (options, app) => runDoctor(options, app),
});

/** The mark of each status, and its colour on a terminal. */
const MARKS: Record<CheckStatus, { mark: string; color: string }> = {
  ok: { mark: "✔", color: "32" },
  warn: { mark: "!", color: "33" },
  fail: { mark: "✗", color: "31" },
  skip: { mark: "-", color: "2" },
};

/** The checklist: a heading, one line per check, the fix indented under the others. */
export function renderDiagnosis(diagnosis: Diagnosis, options: { color: boolean }): string {
  const paint = (status: CheckStatus, text: string) =>
    options.color ? `\x1b[${MARKS[status].color}m${text}\x1b[0m` : text;
  const width = Math.max(...diagnosis.checks.map((check) => check.id.length));
  const lines = [
    diagnosis.site === null
      ? "anaconda auth doctor: the configuration could not be read"
      : `anaconda auth doctor: site "${escapeControl(diagnosis.site)}" (${
        escapeControl(diagnosis.domain ?? "")
      })`,
    "",
  ];
  for (const check of diagnosis.checks) {
    lines.push(
      `${paint(check.status, MARKS[check.status].mark)} ${check.id.padEnd(width)}  ${
        escapeControl(check.summary)
      }`,
    );
    if (check.fix === null || check.status === "ok" || check.status === "skip") continue;
    check.fix.split("\n").forEach((fix, index) => {
      lines.push(`${" ".repeat(width + 4)}${index === 0 ? "fix: " : "     "}${escapeControl(fix)}`);
    });
  }
  const count = (status: CheckStatus) =>
    diagnosis.checks.filter((check) => check.status === status).length;
  const failed = count("fail");
  const warned = count("warn");
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  lines.push(
    "",
    failed === 0 && warned === 0
      ? "No problem found."
      : `${plural(failed, "check")} failed, ${plural(warned, "warning")}.`,
  );
  return `${lines.join("\n")}\n`;
}

/** Runs the checks, prints them, and exits 1 (silently) when one failed. */
export async function runDoctor(options: DoctorOptions, app: App): Promise<void> {
  const { diagnose } = await import("../../doctor/mod.ts");
  const { context } = app;
  const globals = app.globals();
  const diagnosis = await diagnose({
    context,
    verbose: globals.verbose,
    ...(globals.at === undefined ? {} : { at: globals.at }),
  });
  if (options.json) {
    const { writeJson } = await import("../framework/output.ts");
    writeJson(context.stdout, diagnosis);
  } else {
    context.stdout.write(renderDiagnosis(diagnosis, {
      color: context.stdout.isTerminal && !context.env.get("NO_COLOR"),
    }));
  }
  if (!diagnosis.ok) {
    const { SilentExitError } = await import("../framework/errors.ts");
    throw new SilentExitError();
  }
}
