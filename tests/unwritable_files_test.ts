/**
 * Files and folders this user may not write, as the kernel decides: the test runs the code in
 * a child process that file permissions bind (as root, without CAP_DAC_OVERRIDE, through
 * util-linux `setpriv`).
 * @module
 */
import assert from "node:assert/strict";
import { runProgram, withHome } from "./support.ts";
import { fakeContext } from "./fake_context.ts";
import { FileKeyring } from "../src/store/file_keyring.ts";

const isRoot = Deno.build.os !== "windows" && Deno.uid() === 0;

/** A file keyring in a temporary HOME, removed afterwards. */
async function withKeyring(test: (keyring: FileKeyring, home: string) => Promise<void>) {
  const home = await Deno.makeTempDir({ prefix: "file-keyring-test-" });
  try {
    await test(new FileKeyring(`${home}/.anaconda/keyring`, fakeContext({ home })), home);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

/**
 * Runs `FileKeyring.set` on `path` in a child process that file permissions bind: as
 * root (CI containers) without CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH (util-linux
 * `setpriv`). Prints `<error class> <StoreError?> <message>` or `stored`.
 */
async function setInBoundChild(path: string, secret: string): Promise<string> {
  const code = `
    import { FileKeyring } from ${
    JSON.stringify(new URL("../src/store/file_keyring.ts", import.meta.url).href)
  };
    import { StoreError } from ${JSON.stringify(new URL("../src/errors.ts", import.meta.url).href)};
    import { denoContext } from ${
    JSON.stringify(new URL("../src/context.ts", import.meta.url).href)
  };
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
  const output = await runProgram(program!, args, { env: Deno.env.toObject(), stdin: secret });
  assert.equal(output.code, 0, output.stderr);
  return output.stdout;
}

Deno.test({
  name:
    "assertWritable: a file this user may not write (another owner's 0644) is refused, as the kernel says",
  // Root may write anything: drop that power in a child (util-linux setpriv).
  ignore: Deno.build.os === "windows" || Deno.uid() !== 0,
  async fn() {
    await withHome(async (dir) => {
      const path = `${dir}/theirs`;
      await Deno.writeTextFile(path, "", { mode: 0o644 });
      await Deno.chmod(path, 0o644);
      await Deno.chown(path, 65534, 65534);
      const code = `
        import { assertWritable } from ${
        JSON.stringify(new URL("../src/files.ts", import.meta.url).href)
      };
        try { await assertWritable(Deno.args[0]); console.log("ok"); }
        catch (err) { console.log(err.name, err.message); }`;
      const output = await runProgram(
        "setpriv",
        ["--bounding-set=-dac_override", "--", Deno.execPath(), "eval", "--quiet", code, path],
        { env: Deno.env.toObject() },
      );
      assert.equal(output.code, 0, output.stderr);
      assert.equal(output.stdout, "ReadOnlyFileError this user may not write it (mode 0644)\n");
    });
  },
});

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
