import assert from "node:assert/strict";
import fc from "fast-check";
import { ConfigError, TomlSyntaxError } from "../errors.ts";
import { parseConfigToml } from "./toml_parse.ts";
import { editSites, type SitesState } from "./sites_editor.ts";
import { sameValue } from "./toml_value.ts";
import { fuzzRuns } from "../../tests/fuzz.ts";

const PATH = "/home/u/.anaconda/config.toml";

Deno.test("editSites on an empty file writes the Python tool's layout", () => {
  const out = editSites("", {
    defaultSite: "short-name",
    sites: [{ name: "short-name", table: { domain: "foo.local" } }],
  }, PATH);
  assert.equal(out, 'default_site = "short-name"\n\n[sites.short-name]\ndomain = "foo.local"\n');
});

const COMMENTED = `# My Anaconda settings
default_site = "a"   # chosen by hand

# the first site
[sites.a]
domain = "a.com" # main
ssl_verify = false
# api_key = "do not lose this comment"

[sites.a.extra_headers]
X-Old = "1" # old
X-Keep = "2" # kept

[telemetry]
# telemetry comment
enabled = false

[plugin.auth]
client_id = "x"
`;

Deno.test("editSites adds a site and keeps every comment and other table", () => {
  const out = editSites(COMMENTED, {
    defaultSite: "a",
    sites: [
      { name: "a", table: parseConfigToml(COMMENTED, PATH).sites!["a" as never] },
      { name: "anaconda.com", table: {} },
    ],
  } as SitesState, PATH);
  assert.equal(
    out,
    COMMENTED.replace(
      'X-Keep = "2" # kept\n',
      'X-Keep = "2" # kept\n\n[sites."anaconda.com"]\n',
    ),
  );
});

Deno.test("editSites changes only the values that change, in place", () => {
  const out = editSites(COMMENTED, {
    defaultSite: "a",
    sites: [{
      name: "a",
      table: {
        domain: "b.com",
        ssl_verify: true,
        extra_headers: { "X-Keep": "2", "X-New": "3" },
        use_device_flow: false,
        proxy_servers: { https: "http://proxy:8080" },
      },
    }],
  }, PATH);
  assert.equal(
    out,
    `# My Anaconda settings
default_site = "a"   # chosen by hand

# the first site
[sites.a]
domain = "b.com" # main
ssl_verify = true
use_device_flow = false
# api_key = "do not lose this comment"

[sites.a.extra_headers]
X-Keep = "2" # kept
X-New = "3"

[sites.a.proxy_servers]
https = "http://proxy:8080"

[telemetry]
# telemetry comment
enabled = false

[plugin.auth]
client_id = "x"
`,
  );
});

Deno.test("editSites removes a site with its sub-tables and moves the default", () => {
  const text = `default_site = "a"

[sites.a]
domain = "a.com"

[sites.a.extra_headers]
X = "1"

[telemetry]
enabled = false

[sites."b.org"]
domain = "b.org" # keep me
`;
  const out = editSites(text, {
    defaultSite: "b.org",
    sites: [{ name: "b.org", table: { domain: "b.org" } }],
  }, PATH);
  assert.equal(
    out,
    `default_site = "b.org"

[telemetry]
enabled = false

[sites."b.org"]
domain = "b.org" # keep me
`,
  );
});

Deno.test("editSites puts a replacement site where the removed anaconda.com was", () => {
  const text = `[sites."anaconda.com"]
domain = "anaconda.com"

[telemetry]
enabled = false
`;
  const out = editSites(text, {
    defaultSite: "short",
    sites: [{ name: "short", table: { domain: "foo.local" } }],
  }, PATH);
  assert.equal(
    out,
    `default_site = "short"

[sites.short]
domain = "foo.local"

[telemetry]
enabled = false
`,
  );
});

Deno.test("editSites keeps CRLF line endings", () => {
  const text = '# c\r\n[sites.a]\r\ndomain = "a"\r\n\r\n[telemetry]\r\nx = 1\r\n';
  const out = editSites(text, {
    defaultSite: "a",
    sites: [{ name: "a", table: { domain: "a", ssl_verify: false } }],
  }, PATH);
  assert.equal(
    out,
    'default_site = "a"\r\n\r\n# c\r\n[sites.a]\r\ndomain = "a"\r\nssl_verify = false\r\n\r\n[telemetry]\r\nx = 1\r\n',
  );
});

Deno.test("editSites rewrites sites given as dotted keys or inline tables as tables", () => {
  const dotted = editSites('sites.a.domain = "a"\n\n[telemetry]\nx = 1\n', {
    defaultSite: "a",
    sites: [{ name: "a", table: { domain: "a", ssl_verify: false } }],
  }, PATH);
  assert.equal(
    dotted,
    'default_site = "a"\n\n[telemetry]\nx = 1\n\n[sites.a]\ndomain = "a"\nssl_verify = false\n',
  );
  const inline = editSites('sites = { a = { domain = "a" }, b = { domain = "b" } }\n', {
    defaultSite: "a",
    sites: [{ name: "a", table: { domain: "a" } }],
  }, PATH);
  assert.equal(inline, 'default_site = "a"\n\n[sites.a]\ndomain = "a"\n');
});

Deno.test("editSites returns the text unchanged when nothing changes", () => {
  assert.equal(
    editSites(COMMENTED, {
      defaultSite: "a",
      sites: [{ name: "a", table: parseConfigToml(COMMENTED, PATH).sites!["a" as never] }],
    } as SitesState, PATH),
    COMMENTED,
  );
});

Deno.test("editSites reports malformed TOML as path:line:col", () => {
  assert.throws(
    () => editSites("a = 1\n[b\n", { defaultSite: "x", sites: [] }, PATH),
    (err) => err instanceof TomlSyntaxError && err.message.startsWith(`${PATH}:2:`),
  );
  assert.throws(
    () => editSites('sites = "x"\n', { defaultSite: "x", sites: [] }, PATH),
    ConfigError,
  );
});

/** Site names and values that need quoting, escaping or sub-tables. */
const siteName = fc.constantFrom("a", "short-name", "anaconda.com", "we ird", 'q"uote', "é");
const siteTable = fc.record({
  domain: fc.option(fc.constantFrom("a.com", "localhost:8000", "x\\y"), { nil: undefined }),
  ssl_verify: fc.option(fc.oneof(fc.boolean(), fc.constant("truststore")), { nil: undefined }),
  extra_headers: fc.option(fc.dictionary(fc.constantFrom("X-A", "b c", "d"), fc.string()), {
    nil: undefined,
  }),
  api_key: fc.option(fc.string(), { nil: undefined }),
}, { requiredKeys: [] }).map((table) =>
  Object.fromEntries(Object.entries(table).filter(([, value]) => value !== undefined))
);
const sitesState = fc.uniqueArray(fc.tuple(siteName, siteTable), {
  minLength: 1,
  maxLength: 4,
  selector: ([name]) => name,
}).map((sites): SitesState => ({
  defaultSite: sites[0]?.[0] ?? "a",
  sites: sites.map(([name, table]) => ({ name, table })),
}));

Deno.test("property: editSites turns any sites into any other sites and keeps the rest", () => {
  const prelude = "# keep\ntop = 1 # one\n\n[telemetry]\nenabled = false # no\n";
  fc.assert(
    fc.property(sitesState, sitesState, (first, second) => {
      const one = editSites(prelude, first, PATH);
      const two = editSites(one, second, PATH);
      const parsed = parseConfigToml(two, PATH);
      assert.equal(parsed.default_site, second.defaultSite);
      assert.ok(sameValue(
        parsed.sites,
        Object.fromEntries(second.sites.map((site) => [site.name, site.table])),
      ));
      assert.ok(two.includes("# keep\ntop = 1 # one\n"));
      assert.ok(two.includes("[telemetry]\nenabled = false # no\n"));
      assert.equal(editSites(two, second, PATH), two);
    }),
    { seed: 20240501, numRuns: fuzzRuns(150) },
  );
});

/** Starting documents of many shapes, each with text outside the sites that must survive. */
const MESSY: Array<{ text: string; keep: string[] }> = [
  {
    text: COMMENTED,
    keep: ["# My Anaconda settings\n", "[telemetry]\n# telemetry comment\nenabled = false\n"],
  },
  { text: 'sites.a.domain = "a" # dotted\n\n[telemetry]\nx = 1\n', keep: ["[telemetry]\nx = 1\n"] },
  {
    text: 'sites = { a = { domain = "a" } }\n[plugin.auth]\ny = 2\n',
    keep: ["[plugin.auth]\ny = 2\n"],
  },
  {
    text: '# c\r\n[sites.a]\r\ndomain = "a"\r\n\r\n[telemetry]\r\nx = 1\r\n',
    keep: ["[telemetry]\r\nx = 1\r\n"],
  },
  { text: '[telemetry]\nx = 1\n[sites."b.org"]\ndomain = "b.org"', keep: ["[telemetry]\nx = 1\n"] },
  { text: '[sites]\na = { domain = "a" }\nb.domain = "b"\n# tail\n', keep: ["# tail\n"] },
];

Deno.test("property: editSites edits documents of any layout and keeps what is not a site", () => {
  fc.assert(
    fc.property(fc.constantFrom(...MESSY), sitesState, ({ text, keep }, state) => {
      const out = editSites(text, state, PATH);
      const parsed = parseConfigToml(out, PATH);
      assert.ok(sameValue(
        parsed.sites,
        Object.fromEntries(state.sites.map((site) => [site.name, site.table])),
      ));
      for (const part of keep) assert.ok(out.includes(part), `lost ${JSON.stringify(part)}`);
    }),
    { seed: 7, numRuns: fuzzRuns(150) },
  );
});
