/**
 * Crash safety of the Secret Service store, end to end: `anaconda auth login
 * --with-token` with `preferred_token_storage = "system"` is SIGKILLed at random moments
 * of its keyring work, hundreds of times, against the real gnome-keyring of
 * scripts/keyring_session.sh. After every kill (and after the helper programs it left
 * running have ended) the project's reader must find the old key or the new one, whole:
 * never none, never an empty or cut record. The last save must leave Python keyring's
 * layout: one item, which Python reads, and no pending item.
 * @module
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { cleanEnv, RUN_PERMISSIONS, tempHome } from "./support.ts";
import { jwtExpiringIn, keyringValue, runPython, uniqueDomain } from "./token_support.ts";
import { assertSecretService, PYTHON_KEYRING, SECRET_SERVICE } from "./secret_service.ts";
import { denoContext } from "../src/context.ts";
import { SecretToolStore } from "../src/store/secret_tool.ts";
import { decodeTokenInfo } from "../src/token/token_info.ts";

const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));
const CI = Deno.env.get("CI") === "true";
/** Kills in all (the issue asks for at least 200), shared by parallel lanes. */
const KILLS = Number(Deno.env.get("SECRET_SERVICE_KILLS") ?? 200);
const LANES = 2;

const reader = new SecretToolStore(denoContext());

async function run(program: string, args: string[]): Promise<Deno.CommandOutput> {
  return await new Deno.Command(program, {
    args,
    env: { DBUS_SESSION_BUS_ADDRESS: SECRET_SERVICE.address ?? "" },
    stdout: "piped",
    stderr: "piped",
  }).output();
}

/** Every item of `domain`, live and pending, removed. */
async function clearDomain(domain: string): Promise<void> {
  await run("secret-tool", ["clear", "service", "Anaconda Cloud", "username", domain]);
  await run("secret-tool", [
    "clear",
    "pending-service",
    "Anaconda Cloud",
    "pending-username",
    domain,
  ]);
}

/** How many items `secret-tool search --all` finds for these attributes. */
async function itemCount(attributes: string[]): Promise<number> {
  const output = await run("secret-tool", ["search", "--all", ...attributes]);
  return (new TextDecoder().decode(output.stdout).match(/^\[\//gm) ?? []).length;
}

/**
 * A `secret-tool` that logs `<pid> <subcommand>` to $SPAWN_LOG, then becomes the real one;
 * when its arguments match the pattern $KILL_WHEN, it SIGKILLs the CLI that ran it instead.
 */
async function loggingWrapper(dir: string): Promise<string> {
  const bin = `${dir}/bin`;
  await Deno.mkdir(bin);
  const which = await new Deno.Command("sh", {
    args: ["-c", "command -v secret-tool"],
    stdout: "piped",
  }).output();
  const real = new TextDecoder().decode(which.stdout).trim();
  assert.ok(real.startsWith("/"), "secret-tool is not installed");
  await Deno.writeTextFile(
    `${bin}/secret-tool`,
    `#!/bin/sh\necho "$$ $1" >> "$SPAWN_LOG"\n` +
      `if [ -n "$KILL_WHEN" ]; then case "$*" in $KILL_WHEN) kill -9 "$PPID"; exit 1;; esac; fi\n` +
      `exec ${real} "$@"\n`,
    { mode: 0o755 },
  );
  return bin;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function alive(pid: string): boolean {
  try {
    // A zombie's stat says Z: it has ended.
    return !/^\d+ \(.*\) Z/.test(Deno.readTextFileSync(`/proc/${pid}/stat`));
  } catch {
    return false;
  }
}

/**
 * The processes (not ended) whose environment holds `variable` (`NAME=value`): the helpers
 * a killed CLI left running, including one killed so early that it has not yet written
 * its line to the spawn log.
 */
function processesWith(variable: string): string[] {
  const found: string[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const environment = Deno.readTextFileSync(`/proc/${entry.name}/environ`).split("\0");
      if (environment.includes(variable) && alive(entry.name)) found.push(entry.name);
    } catch {
      // It ended while we looked.
    }
  }
  return found;
}

function logLines(path: string): string[] {
  try {
    return Deno.readTextFileSync(path).split("\n").filter((line) => line !== "");
  } catch {
    return [];
  }
}

interface Trial {
  killed: boolean;
  /** The secret-tool subcommand last started before the kill. */
  during: string;
  /** How long the keyring work ran before the kill or the end (ms). */
  ranMs: number;
}

/** One lane: a HOME, a domain, logins killed at random moments, checked after each. */
class Lane {
  readonly domain = uniqueDomain("crash");
  readonly kills: Record<string, number> = {};
  killed = 0;
  completed = 0;
  current = "old-key";
  #bin: string;
  #home: string;
  #log: string;

  constructor(home: string, bin: string) {
    this.#home = home;
    this.#bin = bin;
    this.#log = `${home}/spawns.log`;
  }

  /**
   * Runs one login; kills it `killAfterMs` after its first secret-tool run, unless
   * negative, or when it runs secret-tool with arguments that match `killWhen`.
   */
  async trial(key: string, killAfterMs: number, killWhen = ""): Promise<Trial> {
    await Deno.writeTextFile(this.#log, "");
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--quiet", ...RUN_PERMISSIONS, MAIN, "auth", "login", "--with-token"],
      cwd: this.#home,
      env: cleanEnv(this.#home, {
        ANACONDA_AUTH_DOMAIN: this.domain,
        ANACONDA_AUTH_PREFERRED_TOKEN_STORAGE: "system",
        DBUS_SESSION_BUS_ADDRESS: SECRET_SERVICE.address ?? "",
        PATH: `${this.#bin}:${Deno.env.get("PATH") ?? "/usr/bin:/bin"}`,
        SPAWN_LOG: this.#log,
        KILL_WHEN: killWhen,
      }),
      clearEnv: true,
      stdin: "piped",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(key));
    await writer.close();
    let exited = false;
    const status = child.status.then((status) => {
      exited = true;
      return status;
    });
    const stderr = new Response(child.stderr).text();
    // The keyring work starts with the first secret-tool run (the read of the old record).
    const deadline = Date.now() + 30_000;
    while (!exited && logLines(this.#log).length === 0) {
      assert.ok(Date.now() < deadline, "the login never ran secret-tool");
      await sleep(1);
    }
    const started = performance.now();
    if (killAfterMs >= 0) {
      while (!exited && performance.now() - started < killAfterMs) await sleep(1);
      try {
        if (!exited) child.kill("SIGKILL");
      } catch {
        // It ended just now (its status says so below).
      }
    }
    const ended = await status;
    const ranMs = performance.now() - started;
    // secret-tool runs that outlived the CLI finish on their own (one may be storing):
    // every process that has the CLI's SPAWN_LOG in its environment.
    for (;;) {
      const left = processesWith(`SPAWN_LOG=${this.#log}`);
      if (left.length === 0) break;
      assert.ok(Date.now() < deadline, `helpers ${left.join(", ")} of the login did not end`);
      await sleep(2);
    }
    const lines = logLines(this.#log);
    const killed = ended.signal === "SIGKILL";
    if (!killed) assert.equal(ended.code, 0, await stderr);
    return { killed, during: lines.at(-1)?.split(" ")[1] ?? "-", ranMs };
  }

  /** The key the project's reader finds: must be `before` or `after`, whole. */
  async check(before: string, after: string, what: string): Promise<string> {
    const secret = await reader.get("Anaconda Cloud", this.domain);
    assert.ok(secret, `${what}: no secret (lost or empty)`);
    const key = decodeTokenInfo(secret, this.domain).api_key;
    assert.ok(key === before || key === after, `${what}: the keyring holds ${key}`);
    return key!;
  }
}

/** Python keyring's environment for the Secret Service of scripts/keyring_session.sh. */
const PYTHON_SECRET_SERVICE = {
  DBUS_SESSION_BUS_ADDRESS: SECRET_SERVICE.address ?? "",
  PYTHON_KEYRING_BACKEND: "keyring.backends.SecretService.Keyring",
};

Deno.test({
  name: "saves killed in a row leave pending items and no live one: the reader takes the newest",
  ignore: SECRET_SERVICE.ignore,
  async fn() {
    assertSecretService();
    await using home = await tempHome();
    const lane = new Lane(home.path, await loggingWrapper(home.path));
    // secret-tool's arguments, joined by spaces, at the two steps where the kills fall.
    const storingLive = "store *' xdg:schema org.freedesktop.Secret.Generic service *";
    const clearingLeftover = "clear *pending-username * pending *";
    try {
      const keys = [0, 1, 2, 3].map((n) => jwtExpiringIn(3600, { n: `row ${n}` }));
      // The first save dies after it has cleared the live item: its pending copy is all.
      assert.equal((await lane.trial(keys[0]!, -1, storingLive)).killed, true);
      assert.equal(await lane.check(keys[0]!, keys[0]!, "after the first kill"), keys[0]);
      // The next ones die with their secret confirmed, before they clear the leftovers.
      for (const key of keys.slice(1)) {
        assert.equal((await lane.trial(key, -1, clearingLeftover)).killed, true);
        assert.equal(await lane.check(key, key, "a newer pending item"), key);
      }
      const pending = ["pending-service", "Anaconda Cloud", "pending-username", lane.domain];
      assert.equal(await itemCount(pending), keys.length);
      assert.equal(await itemCount(["service", "Anaconda Cloud", "username", lane.domain]), 0);
      // A save that ends clears them all.
      const last = jwtExpiringIn(3600, { n: "last" });
      assert.equal((await lane.trial(last, -1)).killed, false);
      assert.equal(await lane.check(last, last, "after a finished save"), last);
      assert.equal(await itemCount(pending), 0);
    } finally {
      await clearDomain(lane.domain);
    }
  },
});

Deno.test({
  name:
    "SIGKILL at random moments of auth login --with-token never loses the Secret Service key or leaves it empty",
  ignore: SECRET_SERVICE.ignore || (!PYTHON_KEYRING && !CI),
  async fn() {
    assertSecretService();
    const homes = await Promise.all(Array.from({ length: LANES }, () => tempHome()));
    const lanes: Lane[] = [];
    try {
      for (const home of homes) lanes.push(new Lane(home.path, await loggingWrapper(home.path)));
      // The old key, as Python keyring stores it.
      for (const lane of lanes) {
        const value = keyringValue({ domain: lane.domain, api_key: "old-key", version: 2 });
        const python = await runPython(
          `import keyring\nkeyring.set_password("Anaconda Cloud", ${JSON.stringify(lane.domain)}, ${
            JSON.stringify(value)
          })`,
          { env: PYTHON_SECRET_SERVICE },
        );
        assert.equal(python.code, 0, python.stderr);
      }
      // How long a whole login's keyring work takes here, lanes in parallel: kills fall
      // within it, and some logins finish first.
      const durations = await Promise.all(lanes.map(async (lane) => {
        const key = jwtExpiringIn(3600, { n: `calibration ${lane.domain}` });
        const { ranMs } = await lane.trial(key, -1);
        lane.current = await lane.check(key, key, "calibration");
        return ranMs;
      }));
      // Kills fall within a window that follows how long logins take now (the machine's
      // load changes): it shrinks towards a finished login's time, grows after each kill.
      let window = Math.max(20, ...durations) * 1.1;

      let n = 0;
      const started = Date.now();
      await Promise.all(lanes.map(async (lane) => {
        const share = Math.ceil(KILLS / LANES);
        for (let trial = 0; lane.killed < share; trial++) {
          assert.ok(trial < share * 3, "most logins must be killed before they finish");
          const key = jwtExpiringIn(3600, { n: n++ });
          const result = await lane.trial(key, Math.random() * window);
          const what = `lane ${lane.domain}, trial ${trial} (${
            result.killed ? `killed during secret-tool ${result.during}` : "finished"
          })`;
          const found = await lane.check(lane.current, key, what);
          if (result.killed) {
            window *= 1.02;
            lane.killed++;
            lane.kills[result.during] = (lane.kills[result.during] ?? 0) + 1;
          } else {
            lane.completed++;
            window = (window + result.ranMs * 1.1) / 2;
            assert.equal(found, key, `${what}: a finished login stores the new key`);
          }
          lane.current = found;
        }
      }));

      // A last login runs to its end: one item, Python keyring's layout, no pending item.
      for (const lane of lanes) {
        const key = jwtExpiringIn(3600, { n: "final" });
        assert.equal((await lane.trial(key, -1)).killed, false);
        assert.equal(await lane.check(key, key, "final"), key);
        const python = await runPython(
          `import keyring, sys\nsys.stdout.write(keyring.get_password("Anaconda Cloud", ${
            JSON.stringify(lane.domain)
          }))`,
          { env: PYTHON_SECRET_SERVICE },
        );
        assert.equal(python.code, 0, python.stderr);
        assert.equal(decodeTokenInfo(python.stdout, lane.domain).api_key, key);
        assert.equal(await itemCount(["service", "Anaconda Cloud", "username", lane.domain]), 1);
        assert.equal(
          await itemCount(["pending-service", "Anaconda Cloud", "pending-username", lane.domain]),
          0,
        );
      }
      const kills = lanes.reduce((sum, lane) => sum + lane.killed, 0);
      const during: Record<string, number> = {};
      for (const lane of lanes) {
        for (const [step, count] of Object.entries(lane.kills)) {
          during[step] = (during[step] ?? 0) + count;
        }
      }
      console.log(
        `${kills} SIGKILLs (during secret-tool ${JSON.stringify(during)}), ${
          lanes.reduce((sum, lane) => sum + lane.completed, 0)
        } logins finished first, 0 keys lost or empty, ${
          Math.round((Date.now() - started) / 1000)
        } s`,
      );
      assert.ok(kills >= KILLS);
    } finally {
      for (const lane of lanes) await clearDomain(lane.domain);
      for (const home of homes) await home[Symbol.asyncDispose]();
    }
  },
});
