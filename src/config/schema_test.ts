import assert from "node:assert/strict";
import fc from "fast-check";
import { ConfigError } from "../errors.ts";
import { normalizeDomain } from "./schema.ts";
import { fuzzRuns } from "../../tests/fuzz.ts";

Deno.test("normalizeDomain keeps host[:port] of domains and URLs", () => {
  const cases: Array<[string, string]> = [
    ["anaconda.com", "anaconda.com"],
    ["localhost:8000", "localhost:8000"],
    ["127.0.0.1:8443", "127.0.0.1:8443"],
    ["[::1]:8080", "[::1]:8080"],
    ["[::1]", "[::1]"],
    ["https://foo.com/api/bar", "foo.com"],
    ["http://localhost:8000/", "localhost:8000"],
    ["HTTPS://Foo.COM?x=1#y", "Foo.COM"],
    ["https://user@foo.com/", "foo.com"],
    ["my_host.internal", "my_host.internal"],
    ["bücher.example", "bücher.example"],
  ];
  for (const [value, domain] of cases) assert.equal(normalizeDomain(value), domain, value);
});

Deno.test("normalizeDomain rejects what is not host[:port] with a ConfigError saying why", () => {
  const cases: Array<[string, string]> = [
    ["http://", "http:// does not look like a domain name"],
    ["", " does not look like a domain name"],
    ["http://x y", "http://x y does not look like a domain name: a host name has only letters"],
    ["::::", ":::: does not look like a domain name: the host name is missing"],
    ["a.com:99999", "a.com:99999 does not look like a domain name: the port must be a number"],
    ["a.com:0", "the port must be a number from 1 to 65535"],
    ["a.com:", "the port must be a number from 1 to 65535"],
    ["a.com:80:80", "the port must be a number from 1 to 65535"],
    ["[::1", "[::1 does not look like a domain name: an IPv6 address is written in brackets"],
    ["[::1]x", "an IPv6 address is written in brackets"],
    ["[zz::1]", "an IPv6 address is written in brackets"],
    ["[1:2:3:4:5:6:7:8:9]", "it is not a valid host name or IP address"],
    ["300.1.1.1", "it is not a valid host name or IP address"],
    ["foo.com\\bar", "a host name has only letters"],
    ["a\u001b[2Jb.com", "a\\x1b[2Jb.com does not look like a domain name"],
  ];
  for (const [value, message] of cases) {
    assert.throws(
      () => normalizeDomain(value),
      (err) => err instanceof ConfigError && err.message.includes(message),
      JSON.stringify(value),
    );
  }
});

/** Host names, IP addresses and ports as users write them, with or without a URL around. */
const validDomain = fc.tuple(
  fc.oneof(fc.domain(), fc.ipV4(), fc.ipV6().map((ip) => `[${ip}]`)),
  fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
);
const around = fc.tuple(
  fc.constantFrom("", "https://", "http://", "HTTPS://"),
  fc.constantFrom("", "/", "/api/bar", "?q=1", "#top"),
);

Deno.test("property: normalizeDomain accepts every host[:port] and returns it from any URL around it", () => {
  fc.assert(
    fc.property(validDomain, around, ([host, port], [scheme, rest]) => {
      const domain = port === undefined ? host : `${host}:${port}`;
      assert.equal(normalizeDomain(`${scheme}${domain}${scheme === "" ? "" : rest}`), domain);
    }),
    { seed: 4242, numRuns: fuzzRuns(500) },
  );
});

/** Text near domains: their characters plus the ones that break them. */
const domainish = fc.string({
  unit: fc.constantFrom(..."ab1.-_:[]/@?#% \\\t\n\u001b\u00e9xyz09"),
  maxLength: 24,
});

Deno.test("property: normalizeDomain throws only ConfigError, and what it accepts makes a valid URL", () => {
  fc.assert(
    fc.property(fc.oneof(domainish, fc.string(), fc.webUrl()), (value) => {
      let domain: string;
      try {
        domain = normalizeDomain(value);
      } catch (err) {
        assert.ok(err instanceof ConfigError, `${JSON.stringify(value)}: ${err}`);
        assert.ok(!err.message.includes("\n"), "a one-line message");
        return;
      }
      const url = new URL(`https://${domain}/`);
      assert.equal(url.pathname, "/");
      assert.equal(url.username + url.password + url.search + url.hash, "");
      assert.equal(normalizeDomain(domain), domain, "normalising twice changes nothing");
    }),
    { seed: 1107, numRuns: fuzzRuns(1000) },
  );
});
