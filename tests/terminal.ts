/**
 * A CLI run on a real terminal (a pseudo-terminal made by util-linux `script`) that a
 * test types into key by key, once the program shows what it waits for, as a user
 * would: what the terminal shows includes every echoed key.
 * @module
 */
import { fileURLToPath } from "node:url";
import { cleanEnv, RUN_PERMISSIONS } from "./support.ts";

const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));

/** A CLI run on a pseudo-terminal that a test types into, key by key. */
export class Terminal {
  #child: Deno.ChildProcess;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #output = "";
  #done: Promise<void>;

  constructor(args: string[], options: { home: string; env: Record<string, string> }) {
    const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;
    const commandLine = [Deno.execPath(), "run", "--quiet", ...RUN_PERMISSIONS, MAIN, ...args]
      .map(quote).join(" ");
    const child = new Deno.Command("script", {
      args: ["-qefc", commandLine, "/dev/null"],
      cwd: options.home,
      env: cleanEnv(options.home, { SHELL: "/bin/sh", TERM: "dumb", ...options.env }),
      clearEnv: true,
      stdin: "piped",
      stdout: "piped",
      stderr: "null",
    }).spawn();
    this.#child = child;
    this.#writer = child.stdin.getWriter();
    this.#done = (async () => {
      const decoder = new TextDecoder();
      for await (const chunk of child.stdout) {
        this.#output += decoder.decode(chunk, { stream: true });
      }
    })();
  }

  /** Everything the terminal showed so far, with `\n` line ends. */
  get output(): string {
    return this.#output.replaceAll("\r\n", "\n");
  }

  /** Waits until the terminal shows `text` (at most 30 s). */
  async waitFor(text: string): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (!this.output.includes(text)) {
      if (Date.now() > deadline) throw new Error(`no ${JSON.stringify(text)} in ${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async type(keys: string): Promise<void> {
    await this.#writer.write(new TextEncoder().encode(keys));
  }

  /** Closes the keyboard and waits for the exit code. */
  async exit(): Promise<number> {
    await this.#writer.close().catch(() => {});
    const timer = setTimeout(() => this.#child.kill("SIGKILL"), 60_000);
    try {
      const { code } = await this.#child.status;
      await this.#done;
      return code;
    } finally {
      clearTimeout(timer);
    }
  }
}
