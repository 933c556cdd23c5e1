/**
 * Opens a URL in the user's browser the way Python's `webbrowser` does: `$BROWSER`
 * first (a list separated by `:`, or `;` on Windows; `%s` stands for the URL), then the
 * platform opener.
 * A browser that is still running after a moment counts as opened and is left
 * running (never killed); its output is discarded so it cannot mix with ours.
 * @module
 */

/** What the opener needs to know of the outside world: `$BROWSER` and the OS. */
export interface BrowserEnvironment {
  env: { get(name: string): string | undefined };
  os: typeof Deno.build.os;
}

/** How long to wait for an opener to exit before assuming it is the browser itself. */
const SETTLE_MS = 3_000;

/** Starts `program`; true when it exits 0 or is still running after `SETTLE_MS`. */
export type Launch = (program: string, args: string[]) => Promise<boolean>;

function platformOpeners(os: BrowserEnvironment["os"]): [string, string[]][] {
  if (os === "darwin") return [["open", []]];
  if (os === "windows") return [["cmd", ["/c", "start", '""']]];
  return [["xdg-open", []], ["gio", ["open"]], ["sensible-browser", []]];
}

/** The commands to try, in order. */
export function browserCommands(
  url: string,
  context: BrowserEnvironment,
): [string, string[]][] {
  const commands: [string, string[]][] = [];
  // Split as Python splits it (os.pathsep): `;` on Windows, where paths hold `:`.
  const separator = context.os === "windows" ? ";" : ":";
  for (const entry of (context.env.get("BROWSER") ?? "").split(separator)) {
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

/** Runs a program detached from our output; see `Launch`. */
export async function launchProgram(program: string, args: string[]): Promise<boolean> {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(program, {
      args,
      stdin: "null",
      stdout: "null",
      stderr: "null",
      // Its own session (Python's start_new_session), so that it outlives us: on Windows a
      // child that is not detached is killed when this process exits.
      detached: true,
    }).spawn();
  } catch {
    return false;
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const settled = new Promise<"running">((resolve) => {
    timer = setTimeout(() => resolve("running"), SETTLE_MS);
  });
  const outcome = await Promise.race([child.status, settled]);
  clearTimeout(timer);
  if (outcome === "running") {
    // The browser itself (not a launcher that exits at once): leave it open.
    child.unref();
    return true;
  }
  return outcome.success;
}

/** Tries each way to open `url` in turn; true as soon as one works. */
export async function openBrowser(
  url: string,
  context: BrowserEnvironment,
  launch: Launch = launchProgram,
): Promise<boolean> {
  for (const [program, args] of browserCommands(url, context)) {
    if (await launch(program, args)) return true;
  }
  return false;
}
