/**
 * Crash safety: writers of the file keyring, config.toml, .condarc and conda's token files are
 * killed with SIGKILL
 * at random moments, again and again. After each kill every file still parses, holds
 * the old or the new value whole, and keeps what the writer does not own; temporary
 * files of killed writers are cleaned up by the next writer.
 * @module
 */
import assert from "node:assert/strict";
import { parse as parseToml } from "smol-toml";
import { parse as parseYaml } from "yaml";
import { childEnv } from "../scripts/child_env.ts";
import { runCli, tempHome } from "./support.ts";
import { fileURLToPath } from "node:url";
import { NO_POSIX_RENAME, unlessWine } from "./wine.ts";
import { condaTokenDir } from "./paths.ts";

const WRITER = fileURLToPath(new URL("./kill_writer.ts", import.meta.url));
const WINDOWS = Deno.build.os === "windows";

/** How many kills per kind of file (issue 11: at least 200 in all). */
const KILLS = Number(Deno.env.get("CRASH_KILLS") ?? 70);

function decodeRecord(value: string): { api_key: string } {
  const bytes = Uint8Array.from(atob(value), (char) => char.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

/**
 * Starts the writer `KILLS` times and kills each at a random moment once it has begun
 * (after its first write, then 0–40 ms on); `check` runs after every kill.
 */
async function killRepeatedly(
  kind: string,
  home: string,
  watched: string,
  check: () => Promise<void>,
): Promise<number> {
  let killed = 0;
  for (let run = 0; run < KILLS; run++) {
    const before = (await Deno.stat(watched)).mtime?.getTime();
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--quiet", "-A", WRITER, kind, home],
      env: childEnv(home),
      clearEnv: true,
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    // Wait until the writer is writing (the file changed; at most 30 s on a loaded
    // machine), then kill it at a random moment (0-40 ms) of its writes.
    const deadline = Date.now() + 30_000;
    while ((await Deno.stat(watched)).mtime?.getTime() === before && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 40));
    child.kill("SIGKILL");
    const { code, signal, stderr } = await child.output();
    const err = new TextDecoder().decode(stderr);
    // Windows has no signals: a killed process exits with code 1, having said nothing.
    if (signal === "SIGKILL" || (WINDOWS && code === 1 && err === "")) killed++;
    else assert.fail(`the ${kind} writer ended on its own (${code}): ${err}`);
    await check();
  }
  return killed;
}

Deno.test({
  ...unlessWine(
    "SIGKILL during file keyring writes never corrupts it or loses other entries",
    NO_POSIX_RENAME,
  ),
}, async () => {
  await using home = await tempHome();
  const dir = `${home.path}/.anaconda`;
  await Deno.mkdir(dir, { mode: 0o700 });
  const path = `${dir}/keyring`;
  // Another site's entry and a foreign service: the writer must keep both, byte for byte.
  const other = btoa(JSON.stringify({ domain: "b.test", api_key: "keep-me", version: 2 }));
  await Deno.writeTextFile(
    path,
    JSON.stringify({ "Anaconda Cloud": { "b.test": other }, "Other": { "x": "y" } }),
  );
  const killed = await killRepeatedly("keyring", home.path, path, async () => {
    const data = JSON.parse(await Deno.readTextFile(path));
    assert.equal(data["Anaconda Cloud"]["b.test"], other);
    assert.deepEqual(data["Other"], { x: "y" });
    assert.match(decodeRecord(data["Anaconda Cloud"]["a.test"]).api_key, /^value-\d+-x*$/);
    if (!WINDOWS) assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  });
  assert.equal(killed, KILLS);
  // The next writer cleans up what the killed writers left, secrets included: wait for
  // that (at most 30 s), however long the writer takes to start.
  const temporaryFiles = () =>
    [...Deno.readDirSync(dir)].map((entry) => entry.name).filter((name) => name.endsWith(".tmp"));
  const leftovers = temporaryFiles();
  const remaining = () => temporaryFiles().filter((name) => leftovers.includes(name));
  const writer = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", "-A", WRITER, "keyring", home.path],
    env: childEnv(home.path),
    clearEnv: true,
    stdout: "null",
    stderr: "null",
  }).spawn();
  let exited = false;
  const status = writer.status.finally(() => exited = true);
  try {
    const deadline = Date.now() + 30_000;
    while (remaining().length > 0 && !exited && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    if (!exited) writer.kill("SIGKILL");
    await status;
  }
  assert.deepEqual(remaining(), [], "temporary files of killed writers are removed");
});

Deno.test({
  ...unlessWine(
    "SIGKILL during config.toml writes never corrupts it or loses other content",
    NO_POSIX_RENAME,
  ),
}, async () => {
  await using home = await tempHome();
  const dir = `${home.path}/.anaconda`;
  await Deno.mkdir(dir, { mode: 0o700 });
  const path = `${dir}/config.toml`;
  const original = [
    "# my settings",
    'default_site = "work"',
    "",
    "[telemetry]",
    "enabled = false # keep this",
    "",
    "[sites.work]",
    'domain = "work.example"',
    "",
  ].join("\n");
  await Deno.writeTextFile(path, original);
  const killed = await killRepeatedly("config", home.path, path, async () => {
    const text = await Deno.readTextFile(path);
    const data = parseToml(text) as {
      telemetry: { enabled: boolean };
      sites: { work: { domain: string; client_cert?: string } };
    };
    assert.ok(text.startsWith("# my settings\n"));
    assert.ok(text.includes("enabled = false # keep this"));
    assert.equal(data.telemetry.enabled, false);
    assert.equal(data.sites.work.domain, "work.example");
    const cert = data.sites.work.client_cert;
    assert.ok(cert === undefined || /^value-\d+-x*$/.test(cert), `client_cert = ${cert}`);
  });
  assert.equal(killed, KILLS);
});

Deno.test({
  ...unlessWine(
    "SIGKILL during .condarc writes never corrupts it or loses comments and other keys",
    NO_POSIX_RENAME,
  ),
}, async () => {
  await using home = await tempHome();
  const path = `${home.path}/.condarc`;
  const original = [
    "# my conda settings",
    "channels:   # in this order",
    "  - conda-forge",
    "  - defaults",
    "default_channels: [https://mirror.example/main]",
    "ssl_verify: true # keep",
    "",
  ].join("\n");
  await Deno.writeTextFile(path, original);
  const killed = await killRepeatedly("condarc", home.path, path, async () => {
    const text = await Deno.readTextFile(path);
    const data = parseYaml(text) as { channels: string[]; default_channels: string[] };
    assert.ok(text.startsWith("# my conda settings\nchannels:   # in this order\n"));
    assert.ok(text.includes("ssl_verify: true # keep"));
    assert.deepEqual(data.channels, ["conda-forge", "defaults"]);
    const channels = data.default_channels;
    assert.ok(
      channels.length === 1 ||
        (channels.length === 3 &&
          channels.every((url) =>
            /^https:\/\/value-\d+-x*\.example\/repo\/(main|r|msys2)$/.test(url)
          )),
      `default_channels = ${JSON.stringify(channels)}`,
    );
  });
  assert.equal(killed, KILLS);
});

Deno.test({
  ...unlessWine(
    "SIGKILL during conda token file writes: a whole token, and leftovers removed by the next writer and remover",
    NO_POSIX_RENAME,
  ),
}, async () => {
  await using home = await tempHome();
  const dir = condaTokenDir(home.path);
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  const path = `${dir}/https%3A%2F%2Frepo.example%2Frepo%2F.token`;
  await Deno.writeTextFile(path, "first", { mode: 0o600 });
  // Leftovers never pile up: each writer removes those of the writers killed before it.
  let most = 0;
  const killed = await killRepeatedly("token", home.path, path, async () => {
    const token = await Deno.readTextFile(path);
    assert.ok(token === "first" || /^value-\d+-x*$/.test(token), `token = ${token}`);
    if (!WINDOWS) assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    most = Math.max(most, [...Deno.readDirSync(dir)].filter((e) => e.name.endsWith(".tmp")).length);
  });
  assert.equal(killed, KILLS);
  assert.ok(most <= 1, `${most} temporary files at once`);
  // As a killed writer leaves one (it holds a token): the next remover removes it.
  const stale =
    `${dir}/.https%3A%2F%2Frepo.anaconda.cloud%2Frepo%2F.token.${crypto.randomUUID()}.tmp`;
  await Deno.writeTextFile(stale, "secret-token", { mode: 0o600 });
  const remove = await runCli(["token", "remove"], { home: home.path });
  assert.equal(remove.code, 0, remove.stderr);
  const temps = [...Deno.readDirSync(dir)].filter((entry) => entry.name.endsWith(".tmp"));
  assert.deepEqual(temps, []);
});
