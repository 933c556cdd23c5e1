import assert from "node:assert/strict";
import { fakeContext } from "../../tests/fake_context.ts";
import type { Settings } from "../config/load.ts";
import type { App } from "./framework/app.ts";
import { Prompter } from "./framework/prompt.ts";
import { chooseDestination, destinations } from "./top_level.ts";

const ENTRIES = [
  { name: "internal", table: { domain: "anaconda.internal.example" } },
  { name: "anaconda.com", table: {} },
  { name: "dev", table: { domain: "dev" } },
  { name: "prod", table: { domain: "prod.example" } },
];

function fakeApp(
  options: { stdin?: string; terminal?: boolean; at?: string; env?: Record<string, string> },
) {
  const context = fakeContext({
    stdin: options.stdin ?? "",
    stdinIsTerminal: options.terminal ?? true,
    env: options.env ?? {},
  });
  const settings = { siteEntries: ENTRIES, defaultSiteName: "prod" } as unknown as Settings;
  const app: App = {
    context,
    prompter: new Prompter(context),
    globals: () => ({ verbose: false, ...(options.at ? { at: options.at } : {}) }),
    settings: () => Promise.resolve(settings),
  };
  return { app, context };
}

Deno.test("destinations: the default, anaconda.com, anaconda.org, then the rest in file order", () => {
  assert.deepEqual(destinations(ENTRIES, "prod"), [
    { name: "prod", label: "prod (prod.example) [default]" },
    { name: "anaconda.com", label: "anaconda.com" },
    { name: "anaconda.org", label: "anaconda.org" },
    { name: "internal", label: "internal (anaconda.internal.example)" },
    { name: "dev", label: "dev" },
  ]);
});

Deno.test("destinations without configured sites: the implicit anaconda.com and anaconda.org", () => {
  assert.deepEqual(destinations([], "anaconda.com"), [
    { name: "anaconda.com", label: "anaconda.com [default]" },
    { name: "anaconda.org", label: "anaconda.org" },
  ]);
});

Deno.test("the picker lists the sites on stderr and returns the chosen one", async () => {
  const { app, context } = fakeApp({ stdin: "x\n9\n4\n" });
  assert.equal(await chooseDestination(app), "internal");
  assert.equal(
    context.err(),
    "choose destination:\n" +
      "  1. prod (prod.example) [default]\n" +
      "  2. anaconda.com\n" +
      "  3. anaconda.org\n" +
      "  4. internal (anaconda.internal.example)\n" +
      "  5. dev\n" +
      "Enter a number [1]: Please enter a number from 1 to 5\n" +
      "Enter a number [1]: Please enter a number from 1 to 5\n" +
      "Enter a number [1]: ",
  );
  assert.equal(await chooseDestination(fakeApp({ stdin: "\n" }).app), "prod");
  await assert.rejects(() => chooseDestination(fakeApp({}).app), {
    name: "Aborted",
    message: /pass --at <site>/,
  });
});

Deno.test("no picker with --at or a site chosen in the environment", async () => {
  assert.equal(await chooseDestination(fakeApp({ at: "dev" }).app), undefined);
  const { app, context } = fakeApp({ env: { ANACONDA_DEFAULT_SITE: "dev" } });
  assert.equal(await chooseDestination(app), undefined);
  assert.equal(context.err(), "");
});

Deno.test("without a terminal several destinations need --at", async () => {
  await assert.rejects(() => chooseDestination(fakeApp({ terminal: false }).app), {
    name: "UsageError",
    message:
      /Several sites are configured \(prod, anaconda\.com, internal, dev\): choose one with --at <site> \(or --at anaconda\.org\)/,
  });
});
