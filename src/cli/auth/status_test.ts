import assert from "node:assert/strict";
import type { App } from "../framework/app.ts";
import type { Settings } from "../../config/load.ts";
import type { SiteConfig, Source } from "../../config/schema.ts";
import { SilentExitError } from "../framework/errors.ts";
import { Prompter } from "../framework/prompt.ts";
import { runStatus, type SiteStatus } from "./status.ts";
import { runApiKey } from "./api_key.ts";
import { runLogout } from "./logout.ts";
import { fakeContext } from "../../../tests/fake_context.ts";
import { keyringValue, makeJwt, siteConfig } from "../../../tests/token_support.ts";
import { withHome } from "../../../tests/support.ts";

const NOW = Date.UTC(2026, 0, 1);

/** An App over a fake context and fixed sites (the first is selected unless `at`). */
function fakeApp(home: string, sites: SiteConfig[], at?: string) {
  const context = fakeContext({ home, now: NOW });
  const byName = (name: string) => {
    const site = sites.find((config) => config.site === name || config.domain === name);
    if (!site) throw new Error(`unknown site ${name}`);
    return site;
  };
  const settings = {
    site: () => (at === undefined ? sites[0]! : byName(at)),
    siteFor: byName,
    allSites: () => [...sites],
    sourcesOf: () =>
      new Proxy({}, { get: (): Source => ({ kind: "env", name: "ANACONDA_AUTH_API_KEY" }) }),
  } as unknown as Settings;
  const app: App = {
    context,
    prompter: new Prompter(context),
    globals: () => ({ verbose: false }),
    settings: () => Promise.resolve(settings),
  };
  return { app, context };
}

Deno.test("runStatus --json: rows of every site, and exit 0 when the selected one is logged in", async () => {
  await withHome(async (home) => {
    await Deno.mkdir(`${home}/.anaconda`);
    await Deno.writeTextFile(
      `${home}/.anaconda/keyring`,
      JSON.stringify({
        "Anaconda Cloud": {
          "a.test": keyringValue({ api_key: makeJwt({ exp: NOW / 1000 + 60 }), username: "ann" }),
          "b.test": keyringValue({ api_key: "not-a-jwt" }),
        },
      }),
    );
    const { app, context } = fakeApp(home, [
      siteConfig(home, { site: "a", domain: "a.test" }),
      siteConfig(home, { site: "b", domain: "b.test" }),
      siteConfig(home, { site: "c", domain: "c.test", api_key: makeJwt({ exp: NOW / 1000 + 1 }) }),
    ]);
    await runStatus({ json: true }, app);
    const rows: SiteStatus[] = JSON.parse(context.out());
    assert.deepEqual(
      rows.map((row) => [row.site, row.selected, row.state, row.username, row.expires_at]),
      [
        ["a", true, "logged-in", "ann", "2026-01-01T00:01:00Z"],
        ["b", false, "invalid", null, null],
        ["c", false, "logged-in", null, "2026-01-01T00:00:01Z"],
      ],
    );
    assert.equal(
      rows[1]?.problem,
      "The stored API key is not a valid API key (not a JWT with an exp claim)",
    );
    assert.equal(rows[2]?.storage, "config api_key (environment variable ANACONDA_AUTH_API_KEY)");
    assert.equal(context.err(), "");
  });
});

Deno.test("runStatus exits 1 when the selected site is not logged in, naming the command to run", async () => {
  await withHome(async (home) => {
    const { app, context } = fakeApp(home, [siteConfig(home, { site: "a", domain: "a.test" })]);
    await assert.rejects(() => runStatus({}, app), (err: unknown) => {
      assert.ok(err instanceof SilentExitError);
      assert.equal(err.exitCode, 1);
      return true;
    });
    assert.match(context.out(), /^a\s+a\.test\s+✔\s+no$/m);
    assert.equal(
      context.err(),
      "You are not logged in to a (a.test).\n" +
        "To log in, run: anaconda login --at a (or set ANACONDA_AUTH_API_KEY)\n",
    );
  });
});

Deno.test("runStatus: a configured key that is not an API key, or expired, is no login", async () => {
  await withHome(async (home) => {
    const keys = ["garbage", makeJwt({ exp: NOW / 1000 - 60 })];
    const reasons = [
      "is not a valid API key (not a JWT with an exp claim)",
      "expired on 2025-12-31T23:59:00Z",
    ];
    for (const [index, key] of keys.entries()) {
      const site = siteConfig(home, { site: "a", domain: "a.test", api_key: key });
      const { app, context } = fakeApp(home, [site]);
      await assert.rejects(() => runStatus({ json: true }, app), SilentExitError);
      const [row] = JSON.parse(context.out()) as SiteStatus[];
      assert.equal(row?.logged_in, false);
      const reason = `The API key from environment variable ANACONDA_AUTH_API_KEY ${
        reasons[index]
      }`;
      assert.equal(row?.problem, reason);
      // A login would not help: the configured key is used first.
      assert.equal(
        context.err(),
        `${reason}.\nReplace it with a valid API key, or remove it and log in.\n`,
      );
    }
  });
});

Deno.test("runStatus: a store that fails makes an error row and a warning, not a crash", async () => {
  await withHome(async (home) => {
    const { app, context } = fakeApp(home, [
      siteConfig(home, { site: "a", domain: "a.test" }),
      siteConfig(home, { site: "b", domain: "b.test", keyring_path: `${home}/k/keyring` }),
    ], "b");
    await Deno.mkdir(`${home}/k`);
    await Deno.mkdir(`${home}/k/keyring`); // a folder where the file should be
    await assert.rejects(() => runStatus({ json: true }, app), SilentExitError);
    const rows: SiteStatus[] = JSON.parse(context.out());
    assert.equal(rows[1]?.state, "error");
    assert.equal(rows[1]?.selected, true);
    assert.match(context.err(), /^Warning: b: Cannot read the file keyring /);
  });
});

Deno.test("runApiKey acts on the selected site, runLogout on the one in its options", async () => {
  await withHome(async (home) => {
    const key = makeJwt({ exp: NOW / 1000 + 60 });
    await Deno.mkdir(`${home}/.anaconda`);
    await Deno.writeTextFile(
      `${home}/.anaconda/keyring`,
      JSON.stringify({ "Anaconda Cloud": { "b.test": keyringValue({ api_key: key }) } }),
    );
    const sites = [
      siteConfig(home, { site: "a", domain: "a.test" }),
      siteConfig(home, { site: "b", domain: "b.test" }),
    ];
    const { app, context } = fakeApp(home, sites, "b");
    await runApiKey(app);
    assert.equal(context.out(), `${key}\n`);
    const other = fakeApp(home, sites); // selects a: logout acts on its option
    await runLogout({ at: "b" }, other.app);
    assert.equal(other.context.err(), "Logged out of b.test\n");
    assert.equal(await Deno.readTextFile(`${home}/.anaconda/keyring`), '{"Anaconda Cloud": {}}');
  });
});
