import assert from "node:assert/strict";
import { StoreError } from "../errors.ts";
import {
  displayPath,
  dumpObject,
  FileKeyring,
  objectMembers,
  pythonJsonString,
} from "./file_keyring.ts";
import { fakeContext } from "../../tests/fake_context.ts";
import { joinPath } from "../../tests/paths.ts";

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

Deno.test("displayPath shortens paths in the home folder", () => {
  assert.equal(displayPath("/home/u/.anaconda/keyring", "/home/u"), "~/.anaconda/keyring");
  assert.equal(displayPath("/home/user2/keyring", "/home/u"), "/home/user2/keyring");
});

Deno.test("pythonJsonString matches Python's json.dumps ASCII escaping", () => {
  assert.equal(pythonJsonString("eyJ+/="), '"eyJ+/="');
  assert.equal(
    pythonJsonString('q"b\\s/\n\t\u0001é€😀'),
    '"q\\"b\\\\s/\\n\\t\\u0001\\u00e9\\u20ac\\ud83d\\ude00"',
  );
});

Deno.test("dumpObject writes Python's json.dump spacing around raw values", () => {
  const members = new Map([["Anaconda Cloud", '{"anaconda.com": "eyJ"}'], ["é", "[1,2]"]]);
  assert.equal(
    dumpObject(members),
    '{"Anaconda Cloud": {"anaconda.com": "eyJ"}, "\\u00e9": [1,2]}',
  );
  assert.equal(dumpObject(new Map()), "{}");
});

Deno.test("objectMembers keeps each value's text as found, in file order", () => {
  const text =
    ' {"b" :1.0e0 ,"a":{"x": [1, {"y": "}]"}]},"s":"q\\"}","n":null,"t":true,"e":{}, "l":[]}\n';
  assert.deepEqual([...objectMembers(text)!], [
    ["b", "1.0e0"],
    ["a", '{"x": [1, {"y": "}]"}]}'],
    ["s", '"q\\"}"'],
    ["n", "null"],
    ["t", "true"],
    ["e", "{}"],
    ["l", "[]"],
  ]);
  assert.deepEqual([...objectMembers("{}")!], []);
  assert.deepEqual([...objectMembers('{"\\u00e9\\"": 2}')!], [['é"', "2"]]);
});

Deno.test("objectMembers: a repeated key keeps its first place and last value (as json.load)", () => {
  assert.deepEqual([...objectMembers('{"a": 1, "b": 2, "a": 3}')!], [["a", "3"], ["b", "2"]]);
});

Deno.test("objectMembers: null for JSON that is not an object, SyntaxError for text that is not JSON", () => {
  for (const text of ["[1]", "5", '"s"', "null"]) assert.equal(objectMembers(text), null);
  for (const text of ["{", '{"a": }', "{'a': 1}", "NaN"]) {
    assert.throws(() => objectMembers(text), SyntaxError);
  }
});

Deno.test("file keyring: get and peek read JSON strings only, own entries only, the last of repeated keys", async () => {
  await withKeyring(async (keyring, home, context) => {
    await Deno.mkdir(`${home}/.anaconda`, { mode: 0o700 });
    const text = '{"Anaconda Cloud": {"a.test": "b2xk", "s.test": "a\\nb", "a.test": "bmV3", ' +
      '"__proto__": "cHJvdG8=", "n.test": null, "o.test": {}}, "constructor": {"x": "eA=="}}';
    await Deno.writeTextFile(keyring.path, text);
    const expected: [string, string, string | null][] = [
      [SERVICE, "a.test", "bmV3"],
      [SERVICE, "s.test", "a\nb"],
      [SERVICE, "__proto__", "cHJvdG8="],
      [SERVICE, "n.test", null],
      [SERVICE, "o.test", null],
      [SERVICE, "toString", null],
      [SERVICE, "missing.test", null],
      ["constructor", "x", "eA=="],
      ["hasOwnProperty", "x", null],
      ["Other", "a.test", null],
    ];
    for (const [service, account, secret] of expected) {
      assert.equal(await keyring.get(service, account), secret, `${service} ${account}`);
      assert.equal(await keyring.peek(service, account), secret, `${service} ${account}`);
    }
    assert.equal(await Deno.readTextFile(keyring.path), text);
    assert.equal(context.err(), "");
  });
});

Deno.test("file keyring: peek leaves a corrupt file where it is, unread; get moves it aside", async () => {
  await withKeyring(async (keyring, home, context) => {
    await Deno.mkdir(`${home}/.anaconda`, { mode: 0o700 });
    await Deno.writeTextFile(keyring.path, '{"Anaconda Cloud": ');
    assert.equal(await keyring.peek(SERVICE, "a.test"), undefined);
    assert.deepEqual([...Deno.readDirSync(`${home}/.anaconda`)].map((e) => e.name), ["keyring"]);
    assert.equal(context.err(), "");
    assert.equal(await keyring.get(SERVICE, "a.test"), null);
    assert.match(context.err(), /keyring was corrupt \(not valid JSON\); it was moved to /);
  });
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
    name: "file keyring: file 0600 and a new folder 0700 (D16)",
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

const POSIX = Deno.build.os !== "windows";
const modeOf = async (path: string) => (await Deno.stat(path)).mode! & 0o777;

Deno.test({
  name:
    "file keyring: a ~/.anaconda others can read is tightened to 0700 on the first write, said once (D17)",
  ignore: !POSIX,
  async fn() {
    await withKeyring(async (keyring, home, context) => {
      await Deno.mkdir(`${home}/.anaconda`);
      await Deno.chmod(`${home}/.anaconda`, 0o755);
      // Reading and deleting nothing do not touch it.
      assert.equal(await keyring.get(SERVICE, "anaconda.com"), null);
      assert.equal(await keyring.delete(SERVICE, "anaconda.com"), false);
      assert.equal(await modeOf(`${home}/.anaconda`), 0o755);
      await keyring.set(SERVICE, "anaconda.com", "x");
      assert.equal(await modeOf(`${home}/.anaconda`), 0o700);
      assert.equal(
        context.err(),
        `Tightened the permissions of ${home}/.anaconda to 0700 (it holds secrets)\n`,
      );
      await keyring.set(SERVICE, "anaconda.com", "y");
      assert.equal(context.err().split("\n").length, 2, "said once");
    });
  },
});

Deno.test({
  name: "file keyring: a folder other than ~/.anaconda keeps its permissions",
  ignore: !POSIX,
  async fn() {
    await withKeyring(async (_keyring, home, context) => {
      await Deno.mkdir(`${home}/shared`);
      await Deno.chmod(`${home}/shared`, 0o755);
      await new FileKeyring(`${home}/shared/keyring`, context).set(SERVICE, "a.test", "x");
      assert.equal(await modeOf(`${home}/shared`), 0o755);
      assert.equal(await modeOf(`${home}/shared/keyring`), 0o600);
      assert.equal(context.err(), "");
    });
  },
});

Deno.test({
  name: "file keyring: a ~/.anaconda that belongs to another user is never changed (D17)",
  // Only root can give a folder to another user and still write into it.
  ignore: !isRoot,
  async fn() {
    await withKeyring(async (keyring, home, context) => {
      await Deno.mkdir(`${home}/.anaconda`);
      await Deno.chmod(`${home}/.anaconda`, 0o777);
      await Deno.chown(`${home}/.anaconda`, 65534, 65534);
      await keyring.set(SERVICE, "anaconda.com", "x");
      assert.equal(await modeOf(`${home}/.anaconda`), 0o777);
      assert.equal((await Deno.stat(`${home}/.anaconda`)).uid, 65534);
      assert.equal(context.err(), "");
    });
  },
});

Deno.test("file keyring: an empty file (the Python viability check makes one) reads as empty", async () => {
  await withKeyring(async (keyring, home, context) => {
    await Deno.mkdir(`${home}/.anaconda`, { mode: 0o700 });
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

Deno.test("file keyring: corrupt JSON is moved aside with a warning naming it (D15)", async () => {
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
    // Named as it was made: the folder joined with the platform's separator.
    assert.ok(
      context.err().includes(
        `${joinPath(`${home}/.anaconda`, "keyring")}.corrupt-20260102T030405Z`,
      ),
    );
    // The next write starts a new file; the corrupt one stays where it was moved.
    await keyring.set(SERVICE, "b.test", "new");
    assert.equal(await Deno.readTextFile(keyring.path), '{"Anaconda Cloud": {"b.test": "new"}}');
    assert.equal(await Deno.readTextFile(aside), '{"Anaconda Cloud": {"a.test": "precious"');
  });
});

Deno.test({
  name: "file keyring: a corrupt file moved aside is readable by its owner only",
  ignore: !POSIX,
  async fn() {
    await withKeyring(async (keyring, home) => {
      await Deno.mkdir(`${home}/.anaconda`, { mode: 0o700 });
      await Deno.writeTextFile(keyring.path, '{"Anaconda Cloud": {"a.test": "precious"', {
        mode: 0o644,
      });
      await Deno.chmod(keyring.path, 0o644);
      assert.equal(await keyring.get(SERVICE, "a.test"), null);
      assert.equal(await modeOf(`${home}/.anaconda/keyring.corrupt-20260102T030405Z`), 0o600);
    });
  },
});

Deno.test("file keyring: entries of another shape are kept byte for byte and read as missing", async () => {
  await withKeyring(async (keyring, home, context) => {
    await Deno.mkdir(`${home}/.anaconda`, { mode: 0o700 });
    const other = '{"Other": 5, "Anaconda Cloud": {"a.test": "dmFsdWU=", "n.test": 1.0, ' +
      '"l.test": [1,  {"k": "}"}]}, "x": {"y":"z"}, "big": 12345678901234567890}';
    await Deno.writeTextFile(keyring.path, other);
    // One odd entry does not make the file corrupt: the valid token is still there.
    assert.equal(await keyring.get(SERVICE, "a.test"), "dmFsdWU=");
    assert.equal(await keyring.get(SERVICE, "n.test"), null);
    assert.equal(await keyring.get(SERVICE, "l.test"), null);
    assert.equal(await keyring.get("Other", "a.test"), null);
    assert.equal(await keyring.delete(SERVICE, "n.test"), false);
    assert.equal(await Deno.readTextFile(keyring.path), other);
    await keyring.set(SERVICE, "b.test", "bmV3");
    await keyring.delete(SERVICE, "a.test");
    assert.equal(
      await Deno.readTextFile(keyring.path),
      '{"Other": 5, "Anaconda Cloud": {"n.test": 1.0, "l.test": [1,  {"k": "}"}], ' +
        '"b.test": "bmV3"}, "x": {"y":"z"}, "big": 12345678901234567890}',
    );
    assert.equal(context.err(), "");
    assert.deepEqual([...Deno.readDirSync(`${home}/.anaconda`)].map((e) => e.name).sort(), [
      "keyring",
      "keyring.lock",
    ]);
  });
});

Deno.test("file keyring: a service entry that is not an object reads as missing and is not overwritten", async () => {
  await withKeyring(async (keyring, home) => {
    await Deno.mkdir(`${home}/.anaconda`, { mode: 0o700 });
    const text = '{"Anaconda Cloud": ["not", "an", "object"]}';
    await Deno.writeTextFile(keyring.path, text);
    assert.equal(await keyring.get(SERVICE, "a.test"), null);
    assert.equal(await keyring.delete(SERVICE, "a.test"), false);
    await assert.rejects(() => keyring.set(SERVICE, "a.test", "secret-value"), (err: unknown) => {
      assert.ok(err instanceof StoreError);
      assert.match(
        err.message,
        /its entry "Anaconda Cloud" is not a JSON object; fix or remove it$/,
      );
      assert.ok(!err.message.includes("secret-value"));
      return true;
    });
    assert.equal(await Deno.readTextFile(keyring.path), text);
  });
});

Deno.test("file keyring: temporary files left by killed writers are removed, nothing else", async () => {
  await withKeyring(async (keyring, home) => {
    const folder = `${home}/.anaconda`;
    await Deno.mkdir(folder, { mode: 0o700 });
    const stale = [
      ".keyring.0b5d5a4e-7f7c-4e43-9b53-2f0f3c1d9a11.tmp",
      ".keyring.ffffffff-0000-4000-8000-000000000000.tmp",
    ];
    const others = [
      ".keyring.not-a-uuid.tmp",
      ".config_123456.toml.tmp",
      "keyring.0b5d5a4e-7f7c-4e43-9b53-2f0f3c1d9a11.tmp",
      ".other.0b5d5a4e-7f7c-4e43-9b53-2f0f3c1d9a11.tmp",
    ];
    for (const name of [...stale, ...others]) {
      await Deno.writeTextFile(`${folder}/${name}`, '{"Anaconda Cloud": {"a.test": "secret"}}');
    }
    await keyring.set(SERVICE, "a.test", "x");
    const names = [...Deno.readDirSync(folder)].map((entry) => entry.name).sort();
    assert.deepEqual(names, ["keyring", "keyring.lock", ...others].sort());
  });
});

Deno.test("file keyring: a second corrupt file in the same second gets its own name", async () => {
  await withKeyring(async (keyring, home) => {
    await Deno.mkdir(`${home}/.anaconda`);
    await Deno.writeTextFile(keyring.path, "[1]");
    await keyring.set(SERVICE, "a.test", "x");
    await Deno.writeTextFile(keyring.path, '"not an object"');
    await keyring.set(SERVICE, "a.test", "y");
    const base = `${home}/.anaconda/keyring.corrupt-20260102T030405Z`;
    assert.equal(await Deno.readTextFile(base), "[1]");
    assert.equal(await Deno.readTextFile(`${base}-1`), '"not an object"');
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

Deno.test("file keyring: the warning about a corrupt file never quotes its content (D41)", async () => {
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

Deno.test({
  name:
    "file keyring: a keyring that links to a file that is not JSON: the link is moved aside, its target untouched",
  ignore: !POSIX,
  async fn() {
    await withKeyring(async (keyring, home, context) => {
      await Deno.mkdir(`${home}/.anaconda`, { mode: 0o700 });
      const target = `${home}/notes.txt`;
      await Deno.writeTextFile(target, "not json", { mode: 0o644 });
      await Deno.chmod(target, 0o644);
      await Deno.symlink(target, keyring.path);
      await keyring.set(SERVICE, "a.test", "x");
      assert.equal(await modeOf(target), 0o644);
      assert.equal(await Deno.readTextFile(target), "not json");
      const aside = `${home}/.anaconda/keyring.corrupt-20260102T030405Z`;
      assert.equal(await Deno.readLink(aside), target);
      assert.ok((await Deno.lstat(keyring.path)).isFile);
      assert.equal(await Deno.readTextFile(keyring.path), '{"Anaconda Cloud": {"a.test": "x"}}');
      assert.match(context.err(), /was corrupt \(not valid JSON/);
    });
  },
});

Deno.test({
  name: "file keyring: a ~/.anaconda that is a symbolic link is never tightened through it",
  ignore: !POSIX,
  async fn() {
    await withKeyring(async (keyring, home, context) => {
      await Deno.mkdir(`${home}/real`);
      await Deno.chmod(`${home}/real`, 0o755);
      await Deno.symlink(`${home}/real`, `${home}/.anaconda`);
      await keyring.set(SERVICE, "a.test", "x");
      assert.equal(await modeOf(`${home}/real`), 0o755);
      assert.equal(await modeOf(`${home}/real/keyring`), 0o600);
      assert.equal(context.err(), "");
    });
  },
});

Deno.test({
  name: "file keyring: a read-only keyring (0400) is refused and left as it is",
  ignore: !POSIX,
  async fn() {
    await withKeyring(async (keyring, home) => {
      await Deno.mkdir(`${home}/.anaconda`, { mode: 0o700 });
      const text = '{"Anaconda Cloud": {"a.test": "old"}}';
      await Deno.writeTextFile(keyring.path, text, { mode: 0o400 });
      for (
        const change of [
          () => keyring.set(SERVICE, "a.test", "new"),
          () => keyring.delete(SERVICE, "a.test"),
        ]
      ) {
        await assert.rejects(change, (err: unknown) => {
          assert.ok(err instanceof StoreError);
          assert.equal(
            err.message,
            `Cannot write the file keyring ${keyring.path}: it is read-only (mode 0400); make it writable (chmod u+w) to change it`,
          );
          return true;
        });
      }
      assert.equal(await Deno.readTextFile(keyring.path), text);
      assert.equal(await modeOf(keyring.path), 0o400);
      assert.equal(await keyring.get(SERVICE, "a.test"), "old");
    });
  },
});

Deno.test("file keyring: an entry with bytes that are not UTF-8 is never rewritten as U+FFFD", async () => {
  await withKeyring(async (keyring, home) => {
    await Deno.mkdir(`${home}/.anaconda`, { mode: 0o700 });
    const encode = (text: string) => new TextEncoder().encode(text);
    const bytes = new Uint8Array([
      ...encode('{"Other": {"x": "caf'),
      0xe9, // Latin-1 é: not UTF-8
      ...encode('"}, "Anaconda Cloud": {"a.test": "old"}}'),
    ]);
    await Deno.writeFile(keyring.path, bytes);
    assert.equal(await keyring.get(SERVICE, "a.test"), "old");
    for (
      const change of [
        () => keyring.set(SERVICE, "b.test", "new"),
        () => keyring.delete(SERVICE, "a.test"),
      ]
    ) {
      await assert.rejects(change, (err: unknown) => {
        assert.ok(err instanceof StoreError);
        assert.equal(
          err.message,
          `Cannot write the file keyring ${keyring.path}: it is not UTF-8 text (an entry holds other bytes), and rewriting it would change them; fix or remove that entry`,
        );
        return true;
      });
    }
    assert.deepEqual(await Deno.readFile(keyring.path), bytes);
    // Nothing of ours to remove: no error, nothing written.
    assert.equal(await keyring.delete(SERVICE, "c.test"), false);
  });
});
