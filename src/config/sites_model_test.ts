import assert from "node:assert/strict";
import { ConfigError, UnknownSiteError } from "../errors.ts";
import {
  addSite,
  findSiteKey,
  modifySite,
  removeSite,
  type SitesFile,
  sitesFile,
} from "./sites_model.ts";

const PATH = "/h/.anaconda/config.toml";
const HOME = "/h";

function file(document: Record<string, unknown>): SitesFile {
  return sitesFile(PATH, "", document);
}

const TWO = file({
  default_site: "a",
  sites: { a: { domain: "a.com", ssl_verify: true }, b: { domain: "b.com" } },
});

Deno.test("sitesFile has the implicit anaconda.com site when none is configured", () => {
  const empty = sitesFile(PATH, null, {});
  assert.deepEqual(empty.sites, [{ name: "anaconda.com", table: {} }]);
  assert.equal(empty.defaultSite, "anaconda.com");
  assert.equal(empty.exists, false);
  assert.equal(file({ sites: { x: {}, y: {} } }).defaultSite, "x");
});

Deno.test("addSite on an empty config replaces anaconda.com and becomes the default", () => {
  const state = addSite(sitesFile(PATH, null, {}), {
    name: "short-name",
    values: { domain: "foo.local", ssl_verify: true, use_device_flow: true },
    makeDefault: false,
    removeAnacondaCom: true,
    homeDir: HOME,
  });
  assert.deepEqual(state, {
    defaultSite: "short-name",
    sites: [{ name: "short-name", table: { domain: "foo.local" } }],
  });
});

Deno.test("addSite keeps anaconda.com with --no-remove-anaconda-com", () => {
  const state = addSite(sitesFile(PATH, null, {}), {
    name: "x",
    values: { domain: "x.com" },
    makeDefault: false,
    removeAnacondaCom: false,
    homeDir: HOME,
  });
  assert.equal(state.defaultSite, "anaconda.com");
  assert.deepEqual(state.sites.map((site) => site.name), ["anaconda.com", "x"]);
});

Deno.test("addSite makes the new site the default only with --default", () => {
  const request = {
    name: "c",
    values: { domain: "c.com" },
    removeAnacondaCom: true,
    homeDir: HOME,
  };
  assert.equal(addSite(TWO, { ...request, makeDefault: false }).defaultSite, "a");
  assert.equal(addSite(TWO, { ...request, makeDefault: true }).defaultSite, "c");
});

Deno.test("addSite refuses a name that exists", () => {
  assert.throws(
    () =>
      addSite(TWO, {
        name: "b",
        values: { domain: "b.com" },
        makeDefault: false,
        removeAnacondaCom: true,
        homeDir: HOME,
      }),
    (err) =>
      err instanceof ConfigError &&
      err.message === "A site with name b already exists, use the modify subcommand to alter it",
  );
});

Deno.test("addSite refuses a name with control characters, shown escaped", () => {
  assert.throws(
    () =>
      addSite(TWO, {
        name: "c\u001b[2J\nd",
        values: { domain: "c.com" },
        makeDefault: false,
        removeAnacondaCom: true,
        homeDir: HOME,
      }),
    (err) =>
      err instanceof ConfigError &&
      err.message ===
        'Error in option --name: the site name "c\\x1b[2J\\x0ad" contains control characters; ' +
          "use printable characters only",
  );
});

Deno.test("findSiteKey looks up a name, then a unique domain", () => {
  assert.equal(findSiteKey(TWO, "b"), "b");
  assert.equal(findSiteKey(TWO, "b.com"), "b");
  assert.equal(findSiteKey(TWO, "c.com"), undefined);
  const twins = file({ sites: { x: { domain: "d" }, y: { domain: "d" } } });
  assert.throws(
    () => findSiteKey(twins, "d"),
    (err) =>
      err instanceof ConfigError &&
      err.message === "The domain d matches more than one configured site (x, y)",
  );
  assert.equal(findSiteKey(file({ sites: { x: {} } }), "anaconda.com"), "x");
});

Deno.test("modifySite merges values over the table in place", () => {
  const state = modifySite(TWO, {
    query: "b.com",
    values: { ssl_verify: false, use_device_flow: true, client_cert: "/c.pem" },
    makeDefault: true,
    homeDir: HOME,
  });
  assert.deepEqual(state, {
    defaultSite: "b",
    sites: [
      { name: "a", table: { domain: "a.com", ssl_verify: true } },
      { name: "b", table: { domain: "b.com", ssl_verify: false, client_cert: "/c.pem" } },
    ],
  });
});

Deno.test("modifySite keeps a key that is already written even when set to the default", () => {
  const state = modifySite(TWO, {
    query: "a",
    values: { ssl_verify: true, domain: "anaconda.com" },
    makeDefault: false,
    homeDir: HOME,
  });
  assert.deepEqual(state.sites[0], {
    name: "a",
    table: { domain: "anaconda.com", ssl_verify: true },
  });
});

Deno.test("modifySite can configure anaconda.com before it is written", () => {
  const state = modifySite(sitesFile(PATH, null, {}), {
    query: "anaconda.com",
    values: { ssl_verify: false },
    makeDefault: false,
    homeDir: HOME,
  });
  assert.deepEqual(state, {
    defaultSite: "anaconda.com",
    sites: [{ name: "anaconda.com", table: { ssl_verify: false } }],
  });
});

Deno.test("modifySite names the config file for an unknown site", () => {
  assert.throws(
    () => modifySite(TWO, { query: "nope", values: {}, makeDefault: false, homeDir: HOME }),
    (err) =>
      err instanceof UnknownSiteError &&
      err.message === `The site or domain nope has not been configured in ${PATH}`,
  );
});

Deno.test("removeSite refuses to remove the only site", () => {
  for (const query of ["a", "a.com"]) {
    assert.throws(
      () => removeSite(file({ sites: { a: { domain: "a.com" } } }), query),
      (err) =>
        err instanceof ConfigError &&
        err.message === `${query} is the only configured site and cannot be removed`,
    );
  }
  assert.throws(() => removeSite(sitesFile(PATH, null, {}), "anaconda.com"), ConfigError);
  assert.throws(() => removeSite(TWO, "nope"), UnknownSiteError);
});

Deno.test("removeSite passes the default to the first site left", () => {
  assert.deepEqual(removeSite(TWO, "a"), {
    defaultSite: "b",
    sites: [{ name: "b", table: { domain: "b.com" } }],
  });
  assert.equal(removeSite(TWO, "b.com").defaultSite, "a");
  const byDomain = file({ default_site: "b.com", sites: { a: {}, b: { domain: "b.com" } } });
  assert.equal(removeSite(byDomain, "b").defaultSite, "a");
});
