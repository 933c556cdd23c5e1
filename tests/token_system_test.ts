/**
 * End-to-end: the Linux system keyring (Secret Service via secret-tool) with
 * `preferred_token_storage = "system"`, and interop with Python keyring both ways.
 * Tests that need a running Secret Service use the one of scripts/keyring_session.sh
 * (CI starts it); without it they are ignored, except with CI=true where they fail.
 */
import assert from "node:assert/strict";
import { runCli, tempHome } from "./support.ts";
import { jwtExpiringIn, keyringValue, runPython, uniqueDomain } from "./token_support.ts";
import { assertSecretService, PYTHON_KEYRING, SECRET_SERVICE } from "./secret_service.ts";
import { decodeTokenInfo } from "../src/token/token_info.ts";
import { denoContext } from "../src/context.ts";
import { SecretToolStore } from "../src/store/secret_tool.ts";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const WRITER = `${ROOT}tests/token_writer.ts`;
const CI = Deno.env.get("CI") === "true";
/** The Secret Service is the OS keyring of Linux only (Windows and macOS have their own). */
const NOT_LINUX = Deno.build.os !== "linux";
const needsService = NOT_LINUX || SECRET_SERVICE.ignore || (!PYTHON_KEYRING && !CI);

function systemEnv(domain: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ANACONDA_AUTH_DOMAIN: domain,
    ANACONDA_AUTH_PREFERRED_TOKEN_STORAGE: "system",
    ...(SECRET_SERVICE.address ? { DBUS_SESSION_BUS_ADDRESS: SECRET_SERVICE.address } : {}),
    ...extra,
  };
}

/** Runs Python keyring with its SecretService backend on the test session bus. */
async function pythonKeyring(code: string, home: string): Promise<string> {
  const result = await runPython(`import keyring, sys\n${code}`, {
    env: {
      HOME: home,
      DBUS_SESSION_BUS_ADDRESS: SECRET_SERVICE.address ?? "",
      PYTHON_KEYRING_BACKEND: "keyring.backends.SecretService.Keyring",
    },
  });
  assert.equal(result.code, 0, result.stderr);
  return result.stdout;
}

async function secretTool(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = await new Deno.Command("secret-tool", {
    args,
    env: { DBUS_SESSION_BUS_ADDRESS: SECRET_SERVICE.address ?? "" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

async function commandExists(program: string): Promise<boolean> {
  try {
    await new Deno.Command(program, { args: ["--version"], stdout: "null", stderr: "null" })
      .output();
    return true;
  } catch {
    return false;
  }
}

Deno.test({
  name:
    "a token stored by Python keyring (SecretService) is read by auth api-key, and logout removes it",
  ignore: needsService,
  async fn() {
    assertSecretService();
    await using home = await tempHome();
    const domain = uniqueDomain("py-to-deno");
    const key = jwtExpiringIn(3600);
    const value = keyringValue({
      domain,
      api_key: key,
      username: "py-user",
      repo_tokens: [],
      version: 2,
    });
    await pythonKeyring(
      `keyring.set_password("Anaconda Cloud", ${JSON.stringify(domain)}, ${JSON.stringify(value)})`,
      home.path,
    );
    try {
      const result = await runCli(["auth", "api-key"], { home: home.path, env: systemEnv(domain) });
      assert.deepEqual(result, { code: 0, stdout: `${key}\n`, stderr: "" });
      const status = await runCli(["auth", "status", "--json"], {
        home: home.path,
        env: systemEnv(domain),
      });
      assert.equal(status.code, 0, status.stderr);
      const row = JSON.parse(status.stdout).find((entry: { selected: boolean }) => entry.selected);
      assert.equal(row.storage, "system keyring (Secret Service)");
      assert.equal(row.username, "py-user");
      const logout = await runCli(["auth", "logout"], { home: home.path, env: systemEnv(domain) });
      assert.deepEqual(logout, { code: 0, stdout: "", stderr: `Logged out of ${domain}\n` });
      const after = await pythonKeyring(
        `print(keyring.get_password("Anaconda Cloud", ${JSON.stringify(domain)}))`,
        home.path,
      );
      assert.equal(after, "None\n");
    } finally {
      await secretTool(["clear", "service", "Anaconda Cloud", "username", domain]);
    }
  },
});

/** Runs tests/token_writer.ts to store `apiKey` for `domain` in the system keyring. */
async function writeSystemToken(
  domain: string,
  apiKey: string,
  env: Record<string, string>,
): Promise<Deno.CommandOutput> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", "--allow-all", WRITER, "--storage", "system", domain],
    env: { DBUS_SESSION_BUS_ADDRESS: SECRET_SERVICE.address ?? "", ...env },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(apiKey));
  await writer.close();
  return await child.output();
}

Deno.test({
  name:
    "a token this project stores over Python keyring's is read by Python keyring, one item per domain",
  ignore: needsService,
  async fn() {
    assertSecretService();
    await using home = await tempHome();
    const domain = uniqueDomain("deno-to-py");
    const key = jwtExpiringIn(3600);
    try {
      // Python keyring's item has no xdg:schema: gnome-keyring's replace may miss it.
      await pythonKeyring(
        `keyring.set_password("Anaconda Cloud", ${JSON.stringify(domain)}, "python-value")`,
        home.path,
      );
      for (const round of [1, 2]) {
        const output = await writeSystemToken(domain, `${key}${round}`, { HOME: home.path });
        const decoder = new TextDecoder();
        assert.equal(output.code, 0, decoder.decode(output.stderr));
        assert.equal(decoder.decode(output.stdout), `${domain} system keyring (Secret Service)\n`);
        assert.equal(decoder.decode(output.stderr), "");
      }
      const value = await pythonKeyring(
        `sys.stdout.write(keyring.get_password("Anaconda Cloud", ${JSON.stringify(domain)}))`,
        home.path,
      );
      assert.deepEqual(decodeTokenInfo(value, domain), {
        domain,
        api_key: `${key}2`,
        username: `user-of-${domain}`,
        repo_tokens: [],
        version: 2,
      });
      const items = await secretTool([
        "search",
        "--all",
        "service",
        "Anaconda Cloud",
        "username",
        domain,
      ]);
      assert.equal((items.stdout.match(/^\[\//gm) ?? []).length, 1, "re-saving leaves one item");
      assert.match(
        items.stdout,
        new RegExp(
          `^label = Password for '${domain.replace(/\./g, "\\.")}' on 'Anaconda Cloud'$`,
          "m",
        ),
      );
      assert.match(items.stdout, /^schema = org\.freedesktop\.Secret\.Generic$/m);
      // secret-tool prints the attributes on stderr.
      assert.match(items.stderr, /^attribute\.application = Python keyring library$/m);
      // No file keyring was written.
      await assert.rejects(() => Deno.stat(`${home.path}/.anaconda/keyring`), Deno.errors.NotFound);
    } finally {
      await secretTool(["clear", "service", "Anaconda Cloud", "username", domain]);
    }
  },
});

/** A home with a token for `domain` in the file keyring. */
async function fileKeyringHome(home: string, domain: string, key: string): Promise<void> {
  await Deno.mkdir(`${home}/.anaconda`);
  await Deno.writeTextFile(
    `${home}/.anaconda/keyring`,
    JSON.stringify({ "Anaconda Cloud": { [domain]: keyringValue({ api_key: key }) } }),
  );
}

Deno.test({
  name: "system storage without secret-tool on PATH: one warning, then the file keyring",
  ignore: NOT_LINUX,
}, async () => {
  await using home = await tempHome();
  const domain = uniqueDomain("no-tool");
  const key = jwtExpiringIn(3600);
  await fileKeyringHome(home.path, domain, key);
  const emptyBin = `${home.path}/empty-bin`;
  await Deno.mkdir(emptyBin);
  const result = await runCli(["auth", "api-key"], {
    home: home.path,
    env: systemEnv(domain, { PATH: emptyBin }),
  });
  assert.deepEqual(result, {
    code: 0,
    stdout: `${key}\n`,
    stderr: "Warning: the system keyring (Secret Service) cannot be used: secret-tool is not " +
      "installed (package libsecret-tools); using the file keyring ~/.anaconda/keyring instead\n",
  });
});

Deno.test({
  name: "system storage without D-Bus: one warning naming the cause, then the file keyring",
  ignore: NOT_LINUX || (!CI && !(await commandExists("secret-tool"))),
  async fn() {
    await using home = await tempHome();
    const domain = uniqueDomain("no-dbus");
    const key = jwtExpiringIn(3600);
    await fileKeyringHome(home.path, domain, key);
    const env = systemEnv(domain);
    delete env.DBUS_SESSION_BUS_ADDRESS;
    const result = await runCli(["auth", "api-key"], { home: home.path, env });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `${key}\n`);
    assert.equal(
      result.stderr,
      "Warning: the system keyring (Secret Service) is not available: Cannot autolaunch D-Bus " +
        "without X11 $DISPLAY; using the file keyring ~/.anaconda/keyring instead\n",
    );
  },
});

const SESSION_SCRIPT = `${ROOT}scripts/keyring_session.sh`;

/** A private Secret Service for one test (locking it must not disturb the others). */
async function privateSession(): Promise<{ env: Record<string, string> } & AsyncDisposable> {
  const output = await new Deno.Command(SESSION_SCRIPT, {
    args: ["start"],
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  const decoder = new TextDecoder();
  assert.equal(output.code, 0, decoder.decode(output.stderr));
  const env: Record<string, string> = {};
  for (const line of decoder.decode(output.stdout).split("\n")) {
    const match = /^export (\w+)=(.*)$/.exec(line);
    if (!match) continue;
    // Values are printed with bash's %q: undo its backslash escapes.
    env[match[1]!] = match[2]!.replace(/\\(.)/g, "$1");
  }
  return {
    env,
    async [Symbol.asyncDispose]() {
      await new Deno.Command(SESSION_SCRIPT, {
        args: [
          "stop",
          ...env.ANACONDA_KEYRING_SESSION_PIDS!.split(" "),
          "--dir",
          env.ANACONDA_KEYRING_SESSION_DIR!,
        ],
        stdout: "null",
        stderr: "null",
      }).output();
    },
  };
}

Deno.test({
  name: "a locked Secret Service collection is told apart from a missing token",
  ignore: NOT_LINUX || (!CI &&
    !((await commandExists("gnome-keyring-daemon")) && (await commandExists("dbus-daemon")))),
  async fn() {
    await using home = await tempHome();
    await using session = await privateSession();
    const bus = { DBUS_SESSION_BUS_ADDRESS: session.env.DBUS_SESSION_BUS_ADDRESS! };
    const domain = uniqueDomain("locked");
    const key = jwtExpiringIn(3600);
    const store = new Deno.Command("secret-tool", {
      args: ["store", "--label=test", "service", "Anaconda Cloud", "username", domain],
      env: bus,
      stdin: "piped",
    }).spawn();
    const writer = store.stdin.getWriter();
    await writer.write(new TextEncoder().encode(keyringValue({ api_key: key })));
    await writer.close();
    assert.equal((await store.status).code, 0);
    const env = { ...systemEnv(domain), ...bus };
    assert.equal((await runCli(["auth", "api-key"], { home: home.path, env })).stdout, `${key}\n`);

    const lock = await new Deno.Command("dbus-send", {
      args: [
        "--session",
        "--print-reply",
        "--dest=org.freedesktop.secrets",
        "/org/freedesktop/secrets",
        "org.freedesktop.Secret.Service.Lock",
        "array:objpath:/org/freedesktop/secrets/collection/login",
      ],
      env: bus,
      stdout: "null",
    }).output();
    assert.equal(lock.code, 0);

    const locked = await runCli(["auth", "api-key"], { home: home.path, env });
    assert.equal(locked.code, 1);
    assert.equal(locked.stdout, "");
    assert.match(
      locked.stderr,
      /^StoreError: The system keyring \(Secret Service\) is locked: unlock its collection/,
    );
    // A domain with no item in the locked collection is simply not logged in.
    const missing = await runCli(["auth", "api-key"], {
      home: home.path,
      env: { ...systemEnv(uniqueDomain("locked-missing")), ...bus },
    });
    assert.match(missing.stderr, /^TokenNotFoundError: /);
    const status = await runCli(["auth", "status", "--json"], { home: home.path, env });
    assert.equal(status.code, 1);
    const row = JSON.parse(status.stdout).find((entry: { selected: boolean }) => entry.selected);
    assert.equal(row.state, "error");
    assert.match(row.problem, /is locked/);
    const logout = await runCli(["auth", "logout"], { home: home.path, env });
    assert.equal(logout.code, 1);
    assert.match(logout.stderr, /^StoreError: The system keyring \(Secret Service\) is locked/);
    // Nothing went to the file keyring.
    await assert.rejects(() => Deno.stat(`${home.path}/.anaconda/keyring`), Deno.errors.NotFound);
  },
});

/** The full path of a program on PATH, or null. */
async function programPath(program: string): Promise<string | null> {
  const output = await new Deno.Command("sh", {
    args: ["-c", 'command -v "$0"', program],
    stdout: "piped",
    stderr: "null",
  }).output();
  const path = new TextDecoder().decode(output.stdout).trim();
  return output.success && path.startsWith("/") ? path : null;
}

/**
 * A wrapper of `secret-tool` that counts its runs in `counter` and, at run number
 * $KILL_AT, SIGKILLs the process that started it (the token writer) instead.
 */
async function killingWrapper(dir: string): Promise<string> {
  const bin = `${dir}/bin`;
  await Deno.mkdir(bin);
  const real = await programPath("secret-tool");
  assert.ok(real, "secret-tool is not installed");
  await Deno.writeTextFile(
    `${bin}/secret-tool`,
    `#!/bin/sh
n=$(( $(cat "$KILL_COUNTER") + 1 ))
echo "$n" > "$KILL_COUNTER"
if [ "$n" = "$KILL_AT" ]; then kill -9 "$PPID"; exit 1; fi
exec ${real} "$@"
`,
    { mode: 0o755 },
  );
  return bin;
}

/** The API key that this project's reader finds for `domain`, or null. */
async function storedKey(domain: string): Promise<string | null> {
  const secret = await new SecretToolStore(denoContext()).get("Anaconda Cloud", domain);
  return secret === null ? null : decodeTokenInfo(secret, domain).api_key;
}

/** Removes every item of `domain`: live ones and pending ones of killed saves. */
async function clearDomain(domain: string): Promise<void> {
  await secretTool(["clear", "service", "Anaconda Cloud", "username", domain]);
  await secretTool(["clear", "pending-service", "Anaconda Cloud", "pending-username", domain]);
}

Deno.test({
  name:
    "a token writer killed before any step of a Secret Service save leaves the old key or the new one",
  ignore: needsService,
  async fn() {
    assertSecretService();
    await using home = await tempHome();
    const bin = await killingWrapper(home.path);
    const counter = `${home.path}/counter`;
    const domain = uniqueDomain("killed");
    try {
      // Kill before the 1st, 2nd, ... secret-tool run, until a save runs to its end.
      let finished = false;
      for (let killAt = 1; !finished; killAt++) {
        assert.ok(killAt <= 10, "a save runs at most a few helper programs");
        await clearDomain(domain);
        await pythonKeyring(
          `keyring.set_password("Anaconda Cloud", ${JSON.stringify(domain)}, ${
            JSON.stringify(keyringValue({ api_key: "old-key" }))
          })`,
          home.path,
        );
        await Deno.writeTextFile(counter, "0");
        const output = await writeSystemToken(domain, "new-key", {
          HOME: home.path,
          PATH: `${bin}:${Deno.env.get("PATH") ?? "/usr/bin:/bin"}`,
          KILL_AT: String(killAt),
          KILL_COUNTER: counter,
        });
        finished = output.signal !== "SIGKILL";
        if (finished) {
          assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
          assert.ok(killAt > 2, "the writer was killed after storing, too");
        }
        const key = await storedKey(domain);
        assert.ok(
          key === "old-key" || key === "new-key",
          `killed before run ${killAt}: the keyring holds ${key}`,
        );
        if (finished) assert.equal(key, "new-key");
      }
      // The finished save left one item, Python keyring's layout, and no pending one.
      const value = await pythonKeyring(
        `sys.stdout.write(keyring.get_password("Anaconda Cloud", ${JSON.stringify(domain)}))`,
        home.path,
      );
      assert.equal(decodeTokenInfo(value, domain).api_key, "new-key");
      const pending = await secretTool([
        "search",
        "--all",
        "pending-service",
        "Anaconda Cloud",
        "pending-username",
        domain,
      ]);
      assert.equal(pending.stdout, "");
    } finally {
      await clearDomain(domain);
    }
  },
});
