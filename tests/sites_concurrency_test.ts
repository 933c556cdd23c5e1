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

const WRITERS = 100;

Deno.test({
  ...unlessWine(
    "100 concurrent sites add and remove processes: no failure, no lost site",
    NO_POSIX_RENAME,
  ),
}, async () => {
  await using home = await tempHome();
  const folder = `${home.path}/.anaconda`;
  await Deno.mkdir(folder, { mode: 0o700 });
  // A default site that stays, and half the writers' sites to remove.
  const removed = Array.from({ length: WRITERS / 2 }, (_, n) => `old${n}`);
  const added = Array.from({ length: WRITERS / 2 }, (_, n) => `new${n}`);
  await Deno.writeTextFile(
    `${folder}/config.toml`,
    [
      'default_site = "keep"',
      "",
      ...["keep", ...removed].map((name) => `[sites.${name}]\ndomain = "${name}.example.com"\n`),
    ].join("\n"),
  );
  const started = Date.now();
  const results = await Promise.all([
    ...added.map((name) =>
      runCli(["sites", "add", "--name", name, "--domain", `${name}.example.com`, "--yes"], {
        home: home.path,
        timeoutMs: 300_000,
      })
    ),
    ...removed.map((name) =>
      runCli(["sites", "remove", name, "--yes"], { home: home.path, timeoutMs: 300_000 })
    ),
  ]);
  const failures = results.filter((result) => result.code !== 0);
  const config = parse(await Deno.readTextFile(`${folder}/config.toml`)) as {
    default_site: string;
    sites: Record<string, { domain: string }>;
  };
  const names = Object.keys(config.sites);
  const lost = added.filter((name) => !names.includes(name)).length +
    removed.filter((name) => names.includes(name)).length;
  console.log(
    `${WRITERS} writers: ${failures.length} failures, ${lost} lost, ${
      Math.round((Date.now() - started) / 1000)
    } s`,
  );
  assert.deepEqual(failures.map((result) => result.stderr), []);
  assert.deepEqual(names.sort(), ["keep", ...added].sort());
  assert.equal(config.default_site, "keep");
});
