/**
 * End-to-end: 20 processes write different domains into one file keyring at the same time; the
 * lock around read-modify-write means no entry is lost (D16).
 */
import assert from "node:assert/strict";
import { tempHome } from "./support.ts";
import { decodeTokenInfo } from "../src/token/token_info.ts";
import { fileURLToPath } from "node:url";
import { CONCURRENT_STDIN, unlessWine } from "./wine.ts";

const WRITER = fileURLToPath(new URL("./token_writer.ts", import.meta.url));
const PROCESSES = 20;
const DOMAINS_EACH = 3;

Deno.test({
  ...unlessWine("20 processes writing different domains at once lose no entry", CONCURRENT_STDIN),
}, async () => {
  await using home = await tempHome();
  const keyringPath = `${home.path}/.anaconda/keyring`;
  const children = Array.from({ length: PROCESSES }, (_, process) => {
    const domains = Array.from({ length: DOMAINS_EACH }, (_, n) => `p${process}-d${n}.test`);
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--quiet", "--allow-all", WRITER, "--keyring-path", keyringPath, ...domains],
      env: { HOME: home.path },
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const writer = child.stdin.getWriter();
    void writer.write(new TextEncoder().encode(`key-of-process-${process}\n`)).then(() =>
      writer.close()
    );
    return child.output();
  });
  const outputs = await Promise.all(children);
  for (const output of outputs) {
    assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
  }
  const data = JSON.parse(await Deno.readTextFile(keyringPath))["Anaconda Cloud"];
  assert.equal(Object.keys(data).length, PROCESSES * DOMAINS_EACH);
  for (let process = 0; process < PROCESSES; process++) {
    for (let n = 0; n < DOMAINS_EACH; n++) {
      const domain = `p${process}-d${n}.test`;
      const info = decodeTokenInfo(data[domain], domain);
      assert.equal(info.api_key, `key-of-process-${process}`);
      assert.equal(info.username, `user-of-${domain}`);
    }
  }
  const names = [];
  for await (const entry of Deno.readDir(`${home.path}/.anaconda`)) names.push(entry.name);
  assert.deepEqual(names.sort(), ["keyring", "keyring.lock"], "no temporary file left");
});
