import assert from "node:assert/strict";
import { bypassesProxy, explainProxy, noProxyEntry, parseProxyUrl, selectProxy } from "./proxy.ts";

const env = (values: Record<string, string>) => ({ get: (name: string) => values[name] });

Deno.test("proxy_servers keys are tried as scheme://host, scheme, all://host, all", () => {
  const servers = {
    "https://special.test": "http://one:1",
    "https": "http://two:2",
    "all://other.test": "http://three:3",
    "all": "http://four:4",
  };
  assert.equal(selectProxy("https://special.test/x", servers, env({}))?.url, "http://one:1");
  assert.equal(selectProxy("https://plain.test/x", servers, env({}))?.url, "http://two:2");
  assert.equal(selectProxy("http://other.test/x", servers, env({}))?.url, "http://three:3");
  assert.equal(selectProxy("http://plain.test/x", servers, env({}))?.url, "http://four:4");
});

Deno.test("configured proxies win over the environment, and apply despite NO_PROXY", () => {
  const choice = selectProxy(
    "https://a.test/",
    { https: "proxy.local:3128" },
    env({ HTTPS_PROXY: "http://env:1", NO_PROXY: "a.test" }),
  );
  assert.equal(choice?.url, "http://proxy.local:3128");
});

Deno.test("HTTPS_PROXY, https_proxy (wins) and ALL_PROXY come from the environment", () => {
  assert.equal(
    selectProxy("https://a.test/", null, env({ HTTPS_PROXY: "http://upper:1" }))?.url,
    "http://upper:1",
  );
  assert.equal(
    selectProxy(
      "https://a.test/",
      null,
      env({ HTTPS_PROXY: "http://upper:1", https_proxy: "http://lower:2" }),
    )?.url,
    "http://lower:2",
  );
  assert.equal(
    selectProxy("https://a.test/", null, env({ ALL_PROXY: "socks5://s:1080" }))?.url,
    "socks5://s:1080",
  );
  assert.equal(selectProxy("https://a.test/", null, env({ HTTP_PROXY: "http://h:1" })), null);
  assert.equal(selectProxy("https://a.test/", null, env({})), null);
});

Deno.test("NO_PROXY matches hosts, subdomains, ports, CIDR ranges and *", () => {
  assert.equal(bypassesProxy("anaconda.com", "443", "anaconda.com"), true);
  assert.equal(bypassesProxy("api.anaconda.com", "443", "anaconda.com"), true);
  assert.equal(bypassesProxy("api.anaconda.com", "443", ".anaconda.com"), true);
  assert.equal(bypassesProxy("anaconda.com", "443", ".anaconda.com"), true);
  assert.equal(bypassesProxy("notanaconda.com", "443", "anaconda.com"), false);
  assert.equal(bypassesProxy("a.test", "8443", "b.test, a.test:8443"), true);
  assert.equal(bypassesProxy("a.test", "443", "a.test:8443"), false);
  assert.equal(bypassesProxy("10.1.2.3", "443", "10.0.0.0/8"), true);
  assert.equal(bypassesProxy("11.1.2.3", "443", "10.0.0.0/8"), false);
  assert.equal(bypassesProxy("[::1]", "443", "::1"), true);
  assert.equal(bypassesProxy("anything", "1", "*"), true);
  assert.equal(bypassesProxy("anything", "1", ""), false);
});

Deno.test("proxy credentials are taken out of the URL; a bare host:port gets http://", () => {
  assert.deepEqual(parseProxyUrl("http://user:p%40ss@proxy:3128"), {
    url: "http://proxy:3128",
    basicAuth: { username: "user", password: "p@ss" },
  });
  assert.deepEqual(parseProxyUrl("proxy:3128"), { url: "http://proxy:3128" });
  assert.throws(
    () => parseProxyUrl("http://[bad"),
    /^ConfigError: The proxy URL http:\/\/\[bad \(proxy\) is not valid$/,
  );
  assert.throws(
    () => parseProxyUrl("http://user:secret@[bad", "HTTPS_PROXY"),
    /^ConfigError: The proxy URL http:\/\/\*\*\*@\[bad \(HTTPS_PROXY\) is not valid$/,
  );
});

Deno.test("explainProxy names where the proxy came from and the NO_PROXY entry that matched", () => {
  assert.deepEqual(
    explainProxy("https://a.test/", null, env({ HTTPS_PROXY: "http://p:1", NO_PROXY: "b.test" })),
    {
      proxy: { url: "http://p:1" },
      source: "HTTPS_PROXY",
      noProxy: { name: "NO_PROXY", value: "b.test" },
      bypassedBy: null,
    },
  );
  assert.deepEqual(
    explainProxy(
      "https://api.a.test:8443/",
      null,
      env({ ALL_PROXY: "http://p:1", no_proxy: "b.test, .a.test:8443" }),
    ),
    {
      proxy: null,
      source: null,
      noProxy: { name: "no_proxy", value: "b.test, .a.test:8443" },
      bypassedBy: ".a.test:8443",
    },
  );
  assert.deepEqual(
    explainProxy("https://a.test/", { https: "http://cfg:2" }, env({ NO_PROXY: "a.test" })),
    {
      proxy: { url: "http://cfg:2" },
      source: "proxy_servers https",
      noProxy: { name: "NO_PROXY", value: "a.test" },
      bypassedBy: null,
    },
  );
  assert.deepEqual(explainProxy("https://a.test/", null, env({})), {
    proxy: null,
    source: null,
    noProxy: null,
    bypassedBy: null,
  });
  assert.equal(noProxyEntry("a.test", "443", "x.test,*"), "*");
  assert.equal(noProxyEntry("a.test", "443", "x.test"), null);
});
