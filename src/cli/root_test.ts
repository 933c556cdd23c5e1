/**
 * The real command tree: every page of help reads alike, and each group entry loads the
 * command it names.
 * @module
 */
import assert from "node:assert/strict";
import type { Command } from "./framework/args.ts";
import { renderHelp } from "./framework/help.ts";
import { ROOT } from "./root.ts";

/** Every command of the real tree, with its path. */
async function everyCommand(
  command: Command = ROOT,
  path: string[] = [ROOT.name],
): Promise<[Command, string[]][]> {
  const found: [Command, string[]][] = [[command, path]];
  if (command.kind === "group") {
    for (const entry of command.commands.filter((item) => !item.hidden)) {
      const sub = await entry.load();
      found.push(...await everyCommand(sub, [...path, sub.name]));
    }
  }
  return found;
}

Deno.test("every command's help reads alike and has examples", async () => {
  const commands = await everyCommand();
  assert.ok(commands.length > 10);
  for (const [command, path] of commands) {
    const text = await renderHelp(command, path);
    const name = path.join(" ");
    assert.match(text, new RegExp(`^Usage: ${name} `), name);
    assert.match(text, /\n {2}-h, --help +show help and exit\n/, name);
    assert.match(text, /\nExamples:\n {2}.*\banaconda /, name);
    for (const line of text.split("\n")) assert.ok(line.length <= 80, `${name}: ${line}`);
  }
});

Deno.test("each group entry loads the command of its own name", async () => {
  const mismatches: string[] = [];
  async function visit(command: Command, path: string[]): Promise<void> {
    if (command.kind !== "group") return;
    for (const entry of command.commands) {
      const sub = await entry.load();
      if (sub.name !== entry.name) {
        mismatches.push(`${path.join(" ")} ${entry.name} -> ${sub.name}`);
      }
      await visit(sub, [...path, entry.name]);
    }
  }
  await visit(ROOT, [ROOT.name]);
  assert.deepEqual(mismatches, []);
});
