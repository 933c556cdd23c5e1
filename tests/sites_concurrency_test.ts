/**
 * End-to-end: 20 `sites add` processes at once on one config.toml; the lock around
 * read-modify-write means no site is lost (issue 11, defect 1).
 * @module
 */
import assert from "node:assert/strict";
import { parse } from "smol-toml";
import { runCli, tempHome } from "./support.ts";
import { NO_POSIX_RENAME, unlessWine } from "./wine.ts";

const PROCESSES = 20;

Deno.test({
  ...unlessWine("20 concurrent sites add processes each keep their site", NO_POSIX_RENAME),
}, async () => {
  await using home = await tempHome();
  const results = await Promise.all(
    Array.from(
      { length: PROCESSES },
      (_, n) =>
        runCli(["sites", "add", "--name", `site${n}`, "--domain", `s${n}.example.com`, "--yes"], {
          home: home.path,
        }),
    ),
  );
  for (const result of results) assert.equal(result.code, 0, result.stderr);
  const folder = `${home.path}/.anaconda`;
  const config = parse(await Deno.readTextFile(`${folder}/config.toml`)) as {
    default_site: string;
    sites: Record<string, { domain: string }>;
  };
  const expected = Array.from({ length: PROCESSES }, (_, n) => `site${n}`);
  assert.deepEqual(Object.keys(config.sites).sort(), expected.sort());
  for (let n = 0; n < PROCESSES; n++) {
    assert.equal(config.sites[`site${n}`]?.domain, `s${n}.example.com`);
  }
  // The first writer found no site and became the default; nobody took it over.
  assert.equal(Object.keys(config.sites)[0], config.default_site);
  const names: string[] = [];
  for await (const entry of Deno.readDir(folder)) names.push(entry.name);
  assert.deepEqual(names.filter((name) => name.endsWith(".tmp")), [], "no temporary file left");
  assert.equal(names.filter((name) => name.startsWith("config.backup.")).length, 5);
});
