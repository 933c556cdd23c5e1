/**
 * Opens a URL in the user's browser the way Python's `webbrowser` does: `$BROWSER`
 * first (a `:`-separated list; `%s` stands for the URL), then the platform opener.
 * @module
 */
import type { Context } from "../context.ts";

const OPEN_TIMEOUT_MS = 10_000;

function platformOpeners(os: Context["os"]): [string, string[]][] {
  if (os === "darwin") return [["open", []]];
  if (os === "windows") return [["cmd", ["/c", "start", '""']]];
  return [["xdg-open", []], ["gio", ["open"]], ["sensible-browser", []]];
}

function browserCommands(url: string, context: Context): [string, string[]][] {
  const commands: [string, string[]][] = [];
  for (const entry of (context.env.get("BROWSER") ?? "").split(":")) {
    const words = entry.trim().split(/\s+/).filter((word) => word !== "");
    const [program, ...args] = words;
    if (program === undefined) continue;
    const hasPlaceholder = args.some((arg) => arg.includes("%s"));
    const withUrl = args.map((arg) => arg.replaceAll("%s", url));
    commands.push([program, hasPlaceholder ? withUrl : [...withUrl, url]]);
  }
  for (const [program, args] of platformOpeners(context.os)) {
    commands.push([program, [...args, url]]);
  }
  return commands;
}

/** Tries each way to open `url` in turn; true as soon as one exits 0. */
export async function openBrowser(url: string, context: Context): Promise<boolean> {
  for (const [program, args] of browserCommands(url, context)) {
    try {
      const result = await context.spawn(program, args, { timeoutMs: OPEN_TIMEOUT_MS });
      if (result.code === 0) return true;
    } catch {
      // Not installed or too slow: try the next opener.
    }
  }
  return false;
}
