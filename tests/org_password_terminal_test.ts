/**
 * The legacy anaconda.org login on a real terminal (a pseudo-terminal made by util-linux
 * `script`): the username is echoed as typed, the password is not, Backspace edits it,
 * and Ctrl-C at the password prompt exits 130. Keys are typed only once the prompt
 * shows, as a user would.
 */
import assert from "node:assert/strict";
import { orgEnv, orgSetup } from "./org_support.ts";
import { ORG_PASSWORD } from "../scripts/stand_in/org_api.ts";
import { cleanEnv, hasScript, RUN_PERMISSIONS } from "./support.ts";
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));

/** Switches the legacy username/password login on. */
const LEGACY = { ANACONDA_CLIENT_LEGACY_INTERACTIVE_LOGIN: "1" };

/** A CLI run on a pseudo-terminal that a test types into, key by key. */
class Terminal {
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

Deno.test({
  name: "on a terminal the password is not echoed; Backspace edits it",
  ignore: !hasScript(),
  async fn() {
    await using org = await orgSetup();
    const terminal = new Terminal(["login", "--at", "anaconda.org"], {
      home: org.home,
      env: orgEnv(org.server, LEGACY),
    });
    await terminal.waitFor("Username: ");
    await terminal.type("jane\r");
    await terminal.waitFor("jane's Password: ");
    // A typo, erased with Backspace (DEL), then the rest of the password and Enter.
    await terminal.type(`${ORG_PASSWORD}X\x7f\r`);
    const code = await terminal.exit();
    assert.equal(code, 0, terminal.output);
    assert.match(terminal.output, /Username: jane\njane's Password: \n✓ login successful: /);
    assert.ok(!terminal.output.includes(ORG_PASSWORD), terminal.output);
    assert.equal(await org.token(), org.server.orgApi.tokens[0]?.token);
  },
});

Deno.test({
  name: "Ctrl-C at the password prompt stops the login with exit code 130",
  ignore: !hasScript(),
  async fn() {
    await using org = await orgSetup();
    const terminal = new Terminal(["login", "--at", "anaconda.org", "--username", "jane"], {
      home: org.home,
      env: orgEnv(org.server, LEGACY),
    });
    await terminal.waitFor("jane's Password: ");
    await terminal.type("half-typed\x03");
    assert.equal(await terminal.exit(), 130, terminal.output);
    assert.ok(!terminal.output.includes("half-typed"), terminal.output);
    assert.equal(org.server.requests.filter((request) => request.method === "POST").length, 0);
    assert.equal(await org.token(), null);
  },
});
