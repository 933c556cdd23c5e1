import assert from "node:assert/strict";
import { StoreError } from "../errors.ts";
import { FileKeyring, pythonJsonDumps } from "./file_keyring.ts";
import { fakeContext } from "../../tests/fake_context.ts";

const SERVICE = "Anaconda Cloud";
const isRoot = Deno.build.os !== "windows" && Deno.uid() === 0;

async function withKeyring(
  test: (
    keyring: FileKeyring,
    home: string,
    context: ReturnType<typeof fakeContext>,
  ) => Promise<void>,
): Promise<void> {
  const home = await Deno.makeTempDir({ prefix: "file-keyring-test-" });
  try {
    const context = fakeContext({ home, now: Date.UTC(2026, 0, 2, 3, 4, 5) });
    await test(new FileKeyring(`${home}/.anaconda/keyring`, context), home, context);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

Deno.test("pythonJsonDumps matches Python's json.dumps spacing and ASCII escaping", () => {
  assert.equal(
    pythonJsonDumps({ "Anaconda Cloud": { "anaconda.com": "eyJ+/=" } }),
    '{"Anaconda Cloud": {"anaconda.com": "eyJ+/="}}',
  );
  assert.equal(pythonJsonDumps({ a: {}, b: [] }), '{"a": {}, "b": []}');
  assert.equal(
    pythonJsonDumps(['q"b\\s/\n\t\u0001é€😀']),
    '["q\\"b\\\\s/\\n\\t\\u0001\\u00e9\\u20ac\\ud83d\\ude00"]',
  );
  assert.equal(pythonJsonDumps([1, 2.5, true, null]), "[1, 2.5, true, null]");
});

Deno.test("file keyring: set, get and delete with the Python byte layout, no final newline", async () => {
  await withKeyring(async (keyring) => {
    assert.equal(await keyring.get(SERVICE, "anaconda.com"), null);
    assert.equal(await keyring.set(SERVICE, "anaconda.com", "dmFsdWU="), keyring.label);
    await keyring.set(SERVICE, "other.test", "b3RoZXI=");
    assert.equal(await keyring.get(SERVICE, "anaconda.com"), "dmFsdWU=");
    assert.equal(
      await Deno.readTextFile(keyring.path),
      '{"Anaconda Cloud": {"anaconda.com": "dmFsdWU=", "other.test": "b3RoZXI="}}',
    );
    assert.equal(await keyring.delete(SERVICE, "anaconda.com"), true);
    assert.equal(await keyring.delete(SERVICE, "anaconda.com"), false);
    await keyring.delete(SERVICE, "other.test");
    // An emptied service stays as {} (as in the Python tool).
    assert.equal(await Deno.readTextFile(keyring.path), '{"Anaconda Cloud": {}}');
  });
});

Deno.test("file keyring: label shows the path under ~", async () => {
  await withKeyring((keyring) => {
    assert.equal(keyring.label, "file keyring ~/.anaconda/keyring");
    return Promise.resolve();
  });
});

Deno.test("file keyring: a secret with quotes, backslashes, newlines and non-ASCII round-trips", async () => {
  await withKeyring(async (keyring) => {
    const secret = 'a "quoted" \\ back\\slash\nnew line\r\n tab\t é ü 日本 😀';
    await keyring.set(SERVICE, "weird.test", secret);
    assert.equal(await keyring.get(SERVICE, "weird.test"), secret);
    assert.ok(/^[\x20-\x7e]*$/.test(await Deno.readTextFile(keyring.path)), "ASCII only");
  });
});

Deno.test(
  {
    name: "file keyring: file 0600 and a new folder 0700 (A14)",
    ignore: Deno.build.os === "windows",
  },
  async () => {
    await withKeyring(async (keyring, home) => {
      await keyring.set(SERVICE, "anaconda.com", "x");
      assert.equal((await Deno.stat(keyring.path)).mode! & 0o777, 0o600);
      assert.equal((await Deno.stat(`${home}/.anaconda`)).mode! & 0o777, 0o700);
      // A file with loose permissions is replaced by a 0600 one on the next write.
      await Deno.chmod(keyring.path, 0o644);
      await keyring.set(SERVICE, "anaconda.com", "y");
      assert.equal((await Deno.stat(keyring.path)).mode! & 0o777, 0o600);
      // No temporary files are left behind.
      const names = [];
      for await (const entry of Deno.readDir(`${home}/.anaconda`)) names.push(entry.name);
      assert.deepEqual(names.sort(), ["keyring", "keyring.lock"]);
    });
  },
);

Deno.test("file keyring: an existing folder keeps its permissions", async () => {
  await withKeyring(async (keyring, home) => {
    await Deno.mkdir(`${home}/.anaconda`, { mode: 0o755 });
    await Deno.chmod(`${home}/.anaconda`, 0o755);
    await keyring.set(SERVICE, "anaconda.com", "x");
    if (Deno.build.os !== "windows") {
      assert.equal((await Deno.stat(`${home}/.anaconda`)).mode! & 0o777, 0o755);
    }
  });
});

Deno.test("file keyring: an empty file (the Python viability check makes one) reads as empty", async () => {
  await withKeyring(async (keyring, home, context) => {
    await Deno.mkdir(`${home}/.anaconda`);
    await Deno.writeTextFile(keyring.path, "");
    assert.equal(await keyring.get(SERVICE, "anaconda.com"), null);
    await keyring.set(SERVICE, "anaconda.com", "x");
    assert.equal(
      await Deno.readTextFile(keyring.path),
      '{"Anaconda Cloud": {"anaconda.com": "x"}}',
    );
    assert.equal(context.err(), "");
  });
});

Deno.test("file keyring: corrupt JSON is moved aside with a warning naming it (A13)", async () => {
  await withKeyring(async (keyring, home, context) => {
    await Deno.mkdir(`${home}/.anaconda`);
    await Deno.writeTextFile(keyring.path, '{"Anaconda Cloud": {"a.test": "precious"');
    assert.equal(await keyring.get(SERVICE, "a.test"), null);
    const aside = `${home}/.anaconda/keyring.corrupt-20260102T030405Z`;
    assert.equal(await Deno.readTextFile(aside), '{"Anaconda Cloud": {"a.test": "precious"');
    assert.match(
      context.err(),
      /^Warning: the file keyring .*keyring was corrupt \(not valid JSON/,
    );
    assert.ok(context.err().includes(aside));
    // The next write starts a new file; the corrupt one stays where it was moved.
    await keyring.set(SERVICE, "b.test", "new");
    assert.equal(await Deno.readTextFile(keyring.path), '{"Anaconda Cloud": {"b.test": "new"}}');
    assert.equal(await Deno.readTextFile(aside), '{"Anaconda Cloud": {"a.test": "precious"');
  });
});

Deno.test("file keyring: a second corrupt file in the same second gets its own name", async () => {
  await withKeyring(async (keyring, home) => {
    await Deno.mkdir(`${home}/.anaconda`);
    await Deno.writeTextFile(keyring.path, "[1]");
    await keyring.set(SERVICE, "a.test", "x");
    await Deno.writeTextFile(keyring.path, '{"Anaconda Cloud": "not an object"}');
    await keyring.set(SERVICE, "a.test", "y");
    const base = `${home}/.anaconda/keyring.corrupt-20260102T030405Z`;
    assert.equal(await Deno.readTextFile(base), "[1]");
    assert.equal(await Deno.readTextFile(`${base}-1`), '{"Anaconda Cloud": "not an object"}');
  });
});

Deno.test("file keyring: other services and accounts are kept as they are", async () => {
  await withKeyring(async (keyring, home) => {
    await Deno.mkdir(`${home}/.anaconda`);
    await Deno.writeTextFile(
      keyring.path,
      '{"Other": {"u": "v"}, "Anaconda Cloud": {"z.test": "1", "a.test": "2"}}',
    );
    await keyring.set(SERVICE, "m.test", "3");
    assert.equal(
      await Deno.readTextFile(keyring.path),
      '{"Other": {"u": "v"}, "Anaconda Cloud": {"z.test": "1", "a.test": "2", "m.test": "3"}}',
    );
  });
});

Deno.test("file keyring: a folder that cannot be created is a StoreError naming it", async () => {
  await withKeyring(async (_keyring, home, context) => {
    await Deno.writeTextFile(`${home}/not-a-folder`, "");
    const keyring = new FileKeyring(`${home}/not-a-folder/keyring`, context);
    assert.equal(await keyring.get(SERVICE, "a.test"), null);
    assert.equal(await keyring.delete(SERVICE, "a.test"), false);
    await assert.rejects(() => keyring.set(SERVICE, "a.test", "secret-value"), (err: unknown) => {
      assert.ok(err instanceof StoreError);
      assert.match(err.message, /^Cannot create the folder .*not-a-folder of the file keyring: /);
      assert.ok(!err.message.includes("secret-value"));
      return true;
    });
  });
});

/**
 * Runs `FileKeyring.set` on `path` in a child process that file permissions bind: as
 * root (CI containers) without CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH (util-linux
 * `setpriv`). Prints `<error class> <StoreError?> <message>` or `stored`.
 */
async function setInBoundChild(path: string, secret: string): Promise<string> {
  const code = `
    import { FileKeyring } from ${
    JSON.stringify(new URL("./file_keyring.ts", import.meta.url).href)
  };
    import { StoreError } from ${JSON.stringify(new URL("../errors.ts", import.meta.url).href)};
    import { denoContext } from ${JSON.stringify(new URL("../context.ts", import.meta.url).href)};
    const secret = (await new Response(Deno.stdin.readable).text());
    try {
      await new FileKeyring(Deno.args[0], denoContext()).set("Anaconda Cloud", "a.test", secret);
      console.log("stored");
    } catch (err) {
      console.log(err.constructor.name, err instanceof StoreError, err.message);
    }
  `;
  const deno = [Deno.execPath(), "eval", "--quiet", code, path];
  const [program, ...args] = isRoot
    ? ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--", ...deno]
    : deno;
  const child = new Deno.Command(program!, {
    args,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(secret));
  await writer.close();
  const output = await child.output();
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
  return new TextDecoder().decode(output.stdout);
}

Deno.test(
  {
    name: "file keyring: a read-only folder is a StoreError that does not show the secret",
    ignore: Deno.build.os === "windows",
  },
  async () => {
    await withKeyring(async (keyring, home) => {
      await Deno.mkdir(`${home}/.anaconda`, { mode: 0o500 });
      await Deno.chmod(`${home}/.anaconda`, 0o500);
      try {
        const printed = await setInBoundChild(keyring.path, "secret-value");
        assert.match(printed, /^StoreError true Cannot write the file keyring in \S+\.anaconda: /);
        assert.ok(!printed.includes("secret-value"), printed);
      } finally {
        await Deno.chmod(`${home}/.anaconda`, 0o700);
      }
      assert.deepEqual([...Deno.readDirSync(`${home}/.anaconda`)], []);
    });
  },
);

Deno.test("file keyring: the warning about a corrupt file never quotes its content (A18)", async () => {
  await withKeyring(async (keyring, home, context) => {
    await Deno.mkdir(`${home}/.anaconda`);
    await Deno.writeTextFile(
      keyring.path,
      '{"Anaconda Cloud": {"anaconda.com": eyJTOPSECRETVALUE, "b.test": "c2VjcmV0"}}',
    );
    assert.equal(await keyring.get(SERVICE, "b.test"), null);
    assert.match(context.err(), /^Warning: the file keyring .* was corrupt \(not valid JSON/);
    assert.ok(!/eyJ|TOPSECRET|c2Vj/.test(context.err()), context.err());
  });
});
