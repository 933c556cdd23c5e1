/**
 * The real command tree: every page of help reads alike, and each group entry loads the
 * command it names (and summarises it as the command does).
 * @module
 */
import assert from "node:assert/strict";
import type { Command } from "./framework/args.ts";
import { renderHelp, summary } from "./framework/help.ts";
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

Deno.test("each group entry loads the command of its own name and summary", async () => {
  const mismatches: string[] = [];
  async function visit(command: Command, path: string[]): Promise<void> {
    if (command.kind !== "group") return;
    for (const entry of command.commands) {
      const sub = await entry.load();
      if (sub.name !== entry.name) {
        mismatches.push(`${path.join(" ")} ${entry.name} -> ${sub.name}`);
      }
      // A group's help shows an entry's summary without loading it: it must be the command's.
      if (entry.summary !== undefined && entry.summary !== summary(sub)) {
        mismatches.push(`${path.join(" ")} ${entry.name}: "${entry.summary}" -> "${summary(sub)}"`);
      }
      await visit(sub, [...path, entry.name]);
    }
  }
  await visit(ROOT, [ROOT.name]);
  assert.deepEqual(mismatches, []);
});

Deno.test("leaf pages name the global options in one line; group pages list them in full", async () => {
  for (const [command, path] of await everyCommand()) {
    const text = await renderHelp(command, path);
    const name = path.join(" ");
    if (command.kind === "leaf") {
      assert.match(
        text,
        /\nGlobal options: --at <site>, --verbose, --version \(see 'anaconda --help'\)\n/,
        name,
      );
      assert.doesNotMatch(text, /print debug output/, name);
    } else {
      assert.match(text, /\n {2}-v, --verbose +print debug output and stack traces\n/, name);
    }
  }
});

Deno.test("help wraps to the width it is given, 80 columns by default", async () => {
  const [command, path] = (await everyCommand()).find(([, path]) =>
    path.join(" ") === "anaconda sites add"
  )!;
  const longest = (text: string) => Math.max(...text.split("\n").map((line) => line.length));
  const narrow = await renderHelp(command, path);
  const wide = await renderHelp(command, path, 160);
  assert.ok(longest(narrow) <= 80);
  assert.ok(longest(wide) > 90 && longest(wide) <= 160, `${longest(wide)}`);
  // Fewer lines, the same words.
  assert.ok(wide.split("\n").length < narrow.split("\n").length);
  assert.equal(wide.replace(/\s+/g, " "), narrow.replace(/\s+/g, " "));
});
