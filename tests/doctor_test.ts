/**
 * `anaconda auth doctor` end to end against the stand-in service: a healthy site, then
 * one set-up broken in each of the ways users meet (an untrusted certificate, a wrong
 * CA file, an expired, missing or refused key, a closed port, a proxy that refuses, no
 * `secret-tool` with `system` storage, `.condarc` files conda cannot use, a skewed
 * clock). Each shows the status and the fix a user reads; no secret is ever printed.
 */
import assert from "node:assert/strict";
import { type DevServer, startDevServer } from "../scripts/stand_in/server.ts";
import { createTestCertificates } from "../scripts/test_ca.ts";
import { CHECK_IDS, type CheckResult, diagnose, type Diagnosis } from "../src/doctor/mod.ts";
import { siteEnv, writeKeyring } from "./dev_site.ts";
import { fakeContext } from "./fake_context.ts";
import { type CliResult, runCli, tempHome } from "./support.ts";
import { tokenFile } from "./token_commands_support.ts";
import { orgTokenPath, writeOrgConfig } from "./org_support.ts";
import { assertSecretService, SECRET_SERVICE } from "./secret_service.ts";
import { escapeRegExp, joinPath, shownPath } from "./paths.ts";
import { NO_OPENSSL, unlessWine } from "./wine.ts";
import { silentServer } from "./http_faults.ts";
import { dirName } from "../src/path.ts";

/** Files as the doctor shows them: under `~`, with the platform's separator. */
const KEYRING = joinPath("~", ".anaconda", "keyring");
const CONFIG = joinPath("~", ".anaconda", "config.toml");
const CONDARC = joinPath("~", ".condarc");

/** Stores `apiKey` for `domain` in HOME's file keyring, 0600 in a 0700 folder (as a login does). */
async function storeKey(home: string, domain: string, apiKey: string): Promise<void> {
  await writeKeyring(home, {
    domain,
    api_key: apiKey,
    username: null,
    repo_tokens: [],
    version: 2,
  });
  await Deno.chmod(`${home}/.anaconda/keyring`, 0o600);
  await Deno.chmod(`${home}/.anaconda`, 0o700);
}

/** A JWT the stand-in did not sign, valid for a year by its `exp`. */
function foreignJwt(): string {
  const part = (value: unknown) =>
    btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  const exp = Math.floor(Date.now() / 1000) + 365 * 86400;
  return `${part({ alg: "ES256", typ: "JWT" })}.${part({ sub: "someone", exp })}.c2lnbmF0dXJlWFla`;
}

/** `anaconda auth doctor --json` and its parsed output. */
async function doctor(
  home: string,
  env: Record<string, string>,
  args: string[] = [],
): Promise<{ result: CliResult; diagnosis: Diagnosis }> {
  const result = await runCli(["auth", "doctor", "--json", ...args], { home, env });
  let diagnosis: Diagnosis;
  try {
    diagnosis = JSON.parse(result.stdout);
  } catch {
    throw new Error(`not JSON (exit ${result.code}): ${result.stdout}\n${result.stderr}`);
  }
  return { result, diagnosis };
}

function check(diagnosis: Diagnosis, id: CheckResult["id"]): CheckResult {
  const found = diagnosis.checks.find((entry) => entry.id === id);
  assert.ok(found, `no check ${id}`);
  return found;
}

function statuses(diagnosis: Diagnosis): Record<string, string> {
  return Object.fromEntries(diagnosis.checks.map((entry) => [entry.id, entry.status]));
}

/** A port on 127.0.0.1 that nothing listens on. */
function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** `config.toml` with one site `work` at `domain`, plus `lines` in its table. */
async function writeWorkSite(home: string, domain: string, lines: string[] = []): Promise<void> {
  await Deno.mkdir(`${home}/.anaconda`, { recursive: true, mode: 0o700 });
  await Deno.writeTextFile(
    `${home}/.anaconda/config.toml`,
    ["[sites.work]", `domain = "${domain}"`, ...lines, ""].join("\n"),
  );
}

/** A proxy on 127.0.0.1 that answers every request (CONNECT included) with `status`. */
function refusingProxy(status: string): { port: number } & AsyncDisposable {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns = new Set<Deno.Conn>();
  const serving = (async () => {
    for await (const conn of listener) {
      conns.add(conn);
      (async () => {
        await conn.read(new Uint8Array(8192));
        await conn.write(
          new TextEncoder().encode(`HTTP/1.1 ${status}\r\nContent-Length: 0\r\n\r\n`),
        );
      })().catch(() => {}).finally(() => {
        conns.delete(conn);
        conn.close();
      });
    }
  })();
  return {
    port: (listener.addr as Deno.NetAddr).port,
    async [Symbol.asyncDispose]() {
      listener.close();
      await serving.catch(() => {});
      for (const conn of conns) conn.close();
    },
  };
}

/** A healthy HOME: a valid key for `server` in the file keyring. */
async function healthyHome(home: string, server: DevServer): Promise<void> {
  await storeKey(home, server.domain, await server.issueApiKey());
}

Deno.test("doctor: a healthy site passes every check it can make, exit 0", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  await healthyHome(home.path, server);
  const { result, diagnosis } = await doctor(home.path, siteEnv(server));
  assert.equal(result.code, 0, result.stdout);
  assert.deepEqual(statuses(diagnosis), {
    config: "ok",
    storage: "ok",
    "api-key": "ok",
    network: "ok",
    tls: "ok",
    "auth-service": "ok",
    account: "ok",
    conda: "skip",
    "anaconda.org": "skip",
  });
  assert.equal(diagnosis.ok, true);
  assert.equal(diagnosis.domain, server.domain);
  assert.match(check(diagnosis, "config").summary, /chosen by ANACONDA_AUTH_DOMAIN/);
  assert.equal(
    check(diagnosis, "storage").summary,
    `the key of ${server.domain} is in the file keyring ${KEYRING} (valid JSON` +
      // Windows has no POSIX modes to report.
      (Deno.build.os === "windows" ? ")" : ", 0600 in a 0700 folder)"),
  );
  assert.match(check(diagnosis, "api-key").summary, /expires on \d{4}-\d\d-\d\d \(in 365 days\)/);
  assert.match(check(diagnosis, "api-key").summary, /clock within \d+ s of the site's/);
  assert.match(
    check(diagnosis, "network").summary,
    /^TCP connection to 127\.0\.0\.1:\d+ in \d+ ms; direct \(no proxy set\)$/,
  );
  assert.equal(
    check(diagnosis, "tls").summary,
    `TLS handshake with ${server.domain} verified by the CA bundle ${server.caPath} ` +
      "(ssl_verify from ANACONDA_AUTH_SSL_VERIFY)",
  );
  assert.match(check(diagnosis, "auth-service").summary, /is valid: device and browser login$/);
  assert.match(check(diagnosis, "account").summary, /belongs to jane \(jane\.doe@example\.com\)$/);
  for (const entry of diagnosis.checks) assert.equal(entry.fix, null, entry.id);
});

Deno.test("doctor: the human checklist has one line per check and the fix under each problem", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  await healthyHome(home.path, server);
  const healthy = await runCli(["auth", "doctor"], { home: home.path, env: siteEnv(server) });
  assert.equal(healthy.code, 0, healthy.stderr);
  assert.equal(healthy.stderr, "");
  const lines = healthy.stdout.split("\n");
  assert.equal(lines[0], `anaconda auth doctor: site "${server.domain}" (${server.domain})`);
  assert.deepEqual(
    lines.slice(2, 11).map((line) => line.slice(0, 15)),
    [
      "✔ config       ",
      "✔ storage      ",
      "✔ api-key      ",
      "✔ network      ",
      "✔ tls          ",
      "✔ auth-service ",
      "✔ account      ",
      "- conda        ",
      "- anaconda.org ",
    ],
  );
  assert.equal(lines.at(-2), "No problem found.");

  const untrusted = await runCli(["auth", "doctor"], {
    home: home.path,
    env: siteEnv(server, { ANACONDA_AUTH_SSL_VERIFY: "true" }),
  });
  assert.equal(untrusted.code, 1);
  const tls = untrusted.stdout.split("\n").findIndex((line) => line.startsWith("✗ tls"));
  assert.ok(tls > 0, untrusted.stdout);
  assert.match(
    untrusted.stdout.split("\n")[tls + 1]!,
    /^ {16}fix: set ANACONDA_AUTH_SSL_VERIFY to /,
  );
  assert.ok(untrusted.stdout.includes("\n- auth-service  not checked: the TLS handshake failed"));
  assert.match(untrusted.stdout, /\n1 check failed, 0 warnings\.\n$/);
});

Deno.test("doctor: an untrusted certificate names its issuer and the --ca-bundle fix", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  await writeWorkSite(home.path, server.domain);
  await storeKey(home.path, server.domain, await server.issueApiKey());
  const { result, diagnosis } = await doctor(home.path, {}, ["--at", "work"]);
  assert.equal(result.code, 1);
  assert.equal(diagnosis.site, "work");
  const tls = check(diagnosis, "tls");
  assert.equal(tls.status, "fail");
  assert.equal(
    tls.summary,
    `the certificate of ${server.domain} (CN=localhost, issued by CN=anaconda-auth test CA) is ` +
      "not trusted by the default trust store: unknown issuer",
  );
  assert.equal(
    tls.fix,
    "if CN=anaconda-auth test CA is your organization's CA, trust it: anaconda sites modify " +
      "--at work --ca-bundle PATH (PATH: a PEM file that holds CN=anaconda-auth test CA), or " +
      `set ssl_verify = "truststore" in [sites.work] of ${CONFIG} to use the ` +
      "system's trust store",
  );
  assert.equal(check(diagnosis, "network").status, "ok");
  for (const id of ["auth-service", "account"] as const) {
    assert.deepEqual(check(diagnosis, id), {
      id,
      status: "skip",
      summary: "not checked: the TLS handshake failed (see tls)",
      fix: null,
    });
  }
  // The offline checks are still reported in full.
  assert.equal(check(diagnosis, "config").status, "ok");
  assert.equal(check(diagnosis, "storage").status, "ok");
  assert.match(
    check(diagnosis, "api-key").summary,
    /clock not compared \(no answer from the site\)/,
  );
});

Deno.test({
  ...unlessWine("doctor: a CA file of another CA, and one without certificates", NO_OPENSSL),
}, async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  await healthyHome(home.path, server);
  const other = await createTestCertificates({ commonName: "Other CA" });
  try {
    const { result, diagnosis } = await doctor(
      home.path,
      siteEnv(server, { ANACONDA_AUTH_SSL_VERIFY: other.caPath }),
    );
    assert.equal(result.code, 1);
    const tls = check(diagnosis, "tls");
    assert.equal(tls.status, "fail");
    assert.equal(
      tls.summary,
      `the certificate of ${server.domain} (CN=localhost, issued by CN=anaconda-auth test CA) ` +
        `is not trusted by the CA bundle ${other.caPath} (ssl_verify from ` +
        "ANACONDA_AUTH_SSL_VERIFY): unknown issuer",
    );
    assert.equal(
      tls.fix,
      "set ANACONDA_AUTH_SSL_VERIFY to a PEM file that holds CN=anaconda-auth test CA, or to " +
        '"truststore" for the system\'s trust store (this variable wins over config.toml)',
    );
  } finally {
    await other.remove();
  }
  const notPem = `${home.path}/not-a-ca.pem`;
  await Deno.writeTextFile(notPem, "hello\n");
  await writeWorkSite(home.path, server.domain, [`ssl_verify = ${JSON.stringify(notPem)}`]);
  const { diagnosis } = await doctor(home.path, {}, ["--at", "work"]);
  assert.deepEqual(check(diagnosis, "tls"), {
    id: "tls",
    status: "fail",
    summary: `The CA bundle ${notPem} (ssl_verify) holds no PEM certificate`,
    fix: "anaconda sites modify --at work --ca-bundle PATH (a readable PEM file with the " +
      `site's CA), or remove ssl_verify from [sites.work] in ${CONFIG}`,
  });
});

Deno.test({
  ...unlessWine("doctor: an expired server certificate and one for another name", NO_OPENSSL),
}, async () => {
  await using home = await tempHome();
  for (
    const [options, summary, fix] of [
      [
        { expired: true },
        /^the certificate of 127\.0\.0\.1:\d+ \(CN=localhost, issued by CN=anaconda-auth test CA\) has expired \(not valid after .* GMT\)$/,
        /^the site's administrators must renew it/,
      ],
      [
        { serverNames: ["other.example"] },
        /^the certificate \(CN=localhost, issued by CN=anaconda-auth test CA\) is for other\.example, not 127\.0\.0\.1$/,
        /^check the site's domain \(anaconda sites show --at 127\.0\.0\.1:\d+\); if 127\.0\.0\.1 is right, the site's administrators must add it/,
      ],
    ] as const
  ) {
    const certificates = await createTestCertificates(options);
    try {
      await using server = await startDevServer({ certificates });
      await healthyHome(home.path, server);
      const { diagnosis } = await doctor(home.path, siteEnv(server));
      const tls = check(diagnosis, "tls");
      assert.equal(tls.status, "fail");
      assert.match(tls.summary, summary);
      assert.match(tls.fix ?? "", fix);
    } finally {
      await certificates.remove();
    }
  }
});

Deno.test("doctor: an expired key fails api-key with the login to run; a key about to expire warns", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  const expired = await server.issueApiKey({ expiresIn: -2 * 86400 });
  await storeKey(home.path, server.domain, expired);
  const { result, diagnosis } = await doctor(home.path, siteEnv(server));
  assert.equal(result.code, 1);
  const apiKey = check(diagnosis, "api-key");
  assert.equal(apiKey.status, "fail");
  assert.match(
    apiKey.summary,
    new RegExp(
      `^key \\*{8}${expired.slice(-4)} from the file keyring ${escapeRegExp(KEYRING)} expired on ` +
        "\\d{4}-\\d\\d-\\d\\d \\(2 days ago\\)",
    ),
  );
  assert.equal(apiKey.fix, `anaconda login --at ${server.domain}`);
  assert.deepEqual(check(diagnosis, "account"), {
    id: "account",
    status: "skip",
    summary: "not checked: the API key has expired (see api-key)",
    fix: null,
  });

  await storeKey(home.path, server.domain, await server.issueApiKey({ expiresIn: 3 * 86400 }));
  const soon = await doctor(home.path, siteEnv(server));
  assert.equal(soon.result.code, 0);
  assert.equal(check(soon.diagnosis, "api-key").status, "warn");
  assert.match(check(soon.diagnosis, "api-key").summary, /expires on .* \(in 3 days\)$/);
  assert.equal(
    check(soon.diagnosis, "api-key").fix,
    `anaconda login --force --at ${server.domain}`,
  );
  assert.equal(check(soon.diagnosis, "account").status, "ok");
});

Deno.test("doctor: no key at all fails api-key and skips the account", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  const { result, diagnosis } = await doctor(home.path, siteEnv(server));
  assert.equal(result.code, 1);
  assert.deepEqual(check(diagnosis, "api-key"), {
    id: "api-key",
    status: "fail",
    summary: `no API key for ${server.domain} (looked in the file keyring ${KEYRING})`,
    fix: `anaconda login --at ${server.domain}, or set ANACONDA_AUTH_API_KEY`,
  });
  assert.equal(
    check(diagnosis, "storage").summary,
    `nothing stored for ${server.domain} yet (a login stores it in the file keyring ` +
      `${KEYRING})`,
  );
  assert.equal(check(diagnosis, "account").summary, "not checked: no API key (see api-key)");
  // The site itself is fine.
  assert.equal(check(diagnosis, "auth-service").status, "ok");
});

Deno.test("doctor: a key the site refuses fails the account check with login --force", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  const refused = foreignJwt();
  await storeKey(home.path, server.domain, refused);
  const { result, diagnosis } = await doctor(home.path, siteEnv(server));
  assert.equal(result.code, 1);
  assert.equal(check(diagnosis, "api-key").status, "ok");
  assert.deepEqual(check(diagnosis, "account"), {
    id: "account",
    status: "fail",
    summary: `the site refused the key ********${
      refused.slice(-4)
    }: GET /api/account answered 401 Unauthorized`,
    fix: `anaconda login --force --at ${server.domain}`,
  });

  // A key from the environment is replaced there: a login would not win over it.
  const fromEnv = await doctor(home.path, siteEnv(server, { ANACONDA_AUTH_API_KEY: refused }));
  assert.equal(
    check(fromEnv.diagnosis, "account").fix,
    "set ANACONDA_AUTH_API_KEY to a valid key, or unset it and run anaconda login --force " +
      `--at ${server.domain}`,
  );
});

Deno.test("doctor: a closed port fails network, skips what needs it, and still reports the offline checks", async () => {
  await using home = await tempHome();
  const port = closedPort();
  const domain = `127.0.0.1:${port}`;
  await storeKey(home.path, domain, foreignJwt());
  const { result, diagnosis } = await doctor(home.path, { ANACONDA_AUTH_DOMAIN: domain });
  assert.equal(result.code, 1);
  assert.deepEqual(check(diagnosis, "network"), {
    id: "network",
    status: "fail",
    summary: `no TCP connection to ${domain} (connection refused); direct (no proxy set)`,
    fix: "check that the site is up and that its domain and port are right (anaconda sites " +
      `show --at ${domain}); a firewall may block it, or the network may need a proxy ` +
      "(HTTPS_PROXY)",
  });
  for (const id of ["tls", "auth-service", "account"] as const) {
    assert.equal(check(diagnosis, id).status, "skip");
    assert.match(
      check(diagnosis, id).summary,
      new RegExp(`^not checked: ${domain} cannot be reached`),
    );
  }
  assert.deepEqual(
    [check(diagnosis, "config").status, check(diagnosis, "storage").status],
    ["ok", "ok"],
  );
  assert.equal(check(diagnosis, "api-key").status, "ok");
});

Deno.test("doctor: a proxy that refuses, named with where it came from and NO_PROXY's verdict", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  await healthyHome(home.path, server);
  await using proxy = refusingProxy("403 Forbidden");
  const proxyUrl = `http://127.0.0.1:${proxy.port}`;
  const { result, diagnosis } = await doctor(
    home.path,
    siteEnv(server, { HTTPS_PROXY: proxyUrl, NO_PROXY: "internal.example,.corp.example" }),
  );
  assert.equal(result.code, 1);
  // Windows' variable names ignore case: the lower-case name, looked up first, is named.
  const [httpsProxy, noProxy] = Deno.build.os === "windows"
    ? ["https_proxy", "no_proxy"]
    : ["HTTPS_PROXY", "NO_PROXY"];
  assert.deepEqual(check(diagnosis, "network"), {
    id: "network",
    status: "fail",
    summary: `the proxy ${proxyUrl} (from ${httpsProxy}; no entry of ` +
      `${noProxy}=internal.example,.corp.example matches 127.0.0.1) refused CONNECT ` +
      `${server.domain}: 403 Forbidden`,
    fix: `check the proxy URL in ${httpsProxy}, or go around the proxy for 127.0.0.1: add it ` +
      "to NO_PROXY",
  });
  assert.equal(check(diagnosis, "tls").summary, "not checked: the proxy refused (see network)");

  // With the site in NO_PROXY, the proxy is not used: the entry that matched is named.
  const bypassed = await doctor(
    home.path,
    siteEnv(server, { HTTPS_PROXY: proxyUrl, NO_PROXY: "internal.example,127.0.0.1" }),
  );
  assert.equal(bypassed.result.code, 0);
  assert.match(
    check(bypassed.diagnosis, "network").summary,
    new RegExp(`; direct: the ${noProxy} entry "127\\.0\\.0\\.1" matches 127\\.0\\.0\\.1$`),
  );
});

Deno.test({
  name: "doctor: system storage without secret-tool warns that the file keyring stands in",
  // The Secret Service is the system keyring of Linux only.
  ignore: Deno.build.os !== "linux",
}, async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  await healthyHome(home.path, server);
  const emptyBin = `${home.path}/empty-bin`;
  await Deno.mkdir(emptyBin);
  const { result, diagnosis } = await doctor(
    home.path,
    siteEnv(server, { PATH: emptyBin, ANACONDA_AUTH_PREFERRED_TOKEN_STORAGE: "system" }),
  );
  assert.equal(result.code, 0, "a fallback works: a warning, not a failure");
  assert.deepEqual(check(diagnosis, "storage"), {
    id: "storage",
    status: "warn",
    summary: "the system keyring (Secret Service) cannot be used: secret-tool is not installed " +
      "(package libsecret-tools); the file keyring ~/.anaconda/keyring is used instead",
    fix: "install secret-tool (Debian/Ubuntu: sudo apt install libsecret-tools) and run a " +
      "Secret Service such as gnome-keyring in a D-Bus session, or set " +
      "ANACONDA_AUTH_PREFERRED_TOKEN_STORAGE=anaconda-keyring",
  });
  // The key is found in the fallback, and works.
  assert.equal(check(diagnosis, "api-key").status, "ok");
  assert.equal(check(diagnosis, "account").status, "ok");
});

Deno.test("doctor: a .condarc without channels warns with the line to add", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  await healthyHome(home.path, server);
  await Deno.writeTextFile(`${home.path}/.condarc`, "auto_activate_base: false\n");
  const { result, diagnosis } = await doctor(home.path, siteEnv(server));
  assert.equal(result.code, 0);
  assert.deepEqual(check(diagnosis, "conda"), {
    id: "conda",
    status: "warn",
    summary: "no .condarc conda reads lists channels: conda 25.9 and later have no channel to " +
      "search",
    fix: `add "channels: [defaults]" to ${CONDARC}, or run conda config --add channels defaults`,
  });
});

Deno.test("doctor: a .condarc with an old and a new name of one key fails: conda refuses it", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  await healthyHome(home.path, server);
  await Deno.writeTextFile(
    `${home.path}/.condarc`,
    "channels: [defaults]\nadd_binstar_token: true\nadd_anaconda_token: true\n",
  );
  const { result, diagnosis } = await doctor(home.path, siteEnv(server));
  assert.equal(result.code, 1);
  assert.deepEqual(check(diagnosis, "conda"), {
    id: "conda",
    status: "fail",
    summary: `${CONDARC} sets both add_anaconda_token and add_binstar_token: conda refuses the ` +
      "whole file (MultipleKeysError)",
    fix: `remove add_binstar_token from ${CONDARC} (keep add_anaconda_token)`,
  });
});

Deno.test("doctor: conda set up by token install passes; a revoked token fails the HEAD check", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  await healthyHome(home.path, server);
  const env = siteEnv(server, { CONDA_TOKEN_REPO_URL: server.repo.url, PATH: "/nonexistent" });
  const install = await runCli(["token", "install", "--yes"], { home: home.path, env });
  assert.equal(install.code, 0, install.stderr);
  const { result, diagnosis } = await doctor(home.path, env);
  assert.equal(result.code, 0, JSON.stringify(check(diagnosis, "conda")));
  const conda = check(diagnosis, "conda");
  assert.equal(conda.status, "ok");
  assert.equal(
    conda.summary,
    `conda reads ${CONDARC}; channels: defaults; default_channels point at ${server.repo.url}; ` +
      "add_anaconda_token is on; " +
      `conda's token file ${
        tokenFile("~", server.repo.url)
      } matches the stored token; the repository ` +
      "accepted the token (HEAD of main/noarch/repodata.json: 200)",
  );
  // conda told not to send the token: the file that says so is named.
  const condarc = await Deno.readTextFile(`${home.path}/.condarc`);
  await Deno.writeTextFile(
    `${home.path}/.condarc`,
    condarc.replace("add_anaconda_token: true", "add_anaconda_token: false"),
  );
  const off = check((await doctor(home.path, env)).diagnosis, "conda");
  assert.equal(off.status, "fail");
  assert.equal(
    off.summary,
    "add_anaconda_token is false: conda does not send the token to the repository",
  );
  assert.equal(off.fix, `set add_anaconda_token: true in ${CONDARC}`);
  await Deno.writeTextFile(`${home.path}/.condarc`, condarc);

  const token = server.repo.tokens[0]!.token;
  server.repo.revoke(token);
  const revoked = await doctor(home.path, env);
  for (const output of [result.stdout, revoked.result.stdout, revoked.result.stderr]) {
    assert.ok(!output.includes(token), "the repo token is never shown");
  }
  assert.equal(revoked.result.code, 1);
  assert.equal(check(revoked.diagnosis, "conda").status, "fail");
  assert.match(check(revoked.diagnosis, "conda").summary, /answered 403 Forbidden/);
  assert.equal(
    check(revoked.diagnosis, "conda").fix,
    "the repository refused the token: anaconda token install --org acme",
  );
});

Deno.test("doctor: anaconda.org is checked when configured: a valid token, then a refused one", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  await healthyHome(home.path, server);
  await writeOrgConfig(home.path, server);
  const tokenPath = orgTokenPath(home.path, server.orgApi.url);
  await Deno.mkdir(dirName(tokenPath), { recursive: true });
  await Deno.writeTextFile(tokenPath, server.orgApi.issue());
  const { diagnosis } = await doctor(home.path, siteEnv(server));
  const org = check(diagnosis, "anaconda.org");
  assert.equal(org.status, "ok", org.summary);
  assert.match(
    org.summary,
    new RegExp(
      "^API https://127\\.0\\.0\\.1:\\d+/org-api \\(from " +
        escapeRegExp(joinPath("~", ".continuum/anaconda-client", "config.yaml")) +
        `\\); the token from ${escapeRegExp(shownPath(tokenPath, home.path))} belongs to jane$`,
    ),
  );

  await Deno.writeTextFile(tokenPath, "not-a-live-token");
  const refused = await doctor(home.path, siteEnv(server));
  assert.equal(refused.result.code, 1);
  assert.equal(check(refused.diagnosis, "anaconda.org").status, "fail");
  assert.equal(check(refused.diagnosis, "anaconda.org").fix, "anaconda login --at anaconda.org");
});

Deno.test("doctor: a server clock an hour ahead warns about the skew", async () => {
  await using home = await tempHome();
  await using server = await startDevServer({ dateOffsetMs: 3600 * 1000 });
  await healthyHome(home.path, server);
  const { result, diagnosis } = await doctor(home.path, siteEnv(server));
  assert.equal(result.code, 0);
  const apiKey = check(diagnosis, "api-key");
  assert.equal(apiKey.status, "warn");
  assert.equal(
    apiKey.summary,
    "this machine's clock is 60 min behind the site's (its Date header): keys may look " +
      "expired, or valid when they are not",
  );
  assert.equal(
    apiKey.fix,
    "set the clock right, e.g. turn on time synchronisation: sudo timedatectl set-ntp true",
  );
});

Deno.test("doctor --json: the shape, and the library's diagnose() gives the same checks", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  await healthyHome(home.path, server);
  const env = siteEnv(server, { ANACONDA_AUTH_SSL_VERIFY: "true" });
  const { diagnosis } = await doctor(home.path, env);
  assert.deepEqual(Object.keys(diagnosis), ["ok", "site", "domain", "checks"]);
  assert.deepEqual(diagnosis.checks.map((entry) => entry.id), [...CHECK_IDS]);
  for (const entry of diagnosis.checks) {
    assert.deepEqual(Object.keys(entry), ["id", "status", "summary", "fix"]);
    assert.ok(["ok", "warn", "fail", "skip"].includes(entry.status));
    assert.equal(typeof entry.summary, "string");
    assert.ok(entry.summary.length > 0 && !entry.summary.includes("\n"), entry.summary);
    assert.equal(entry.fix === null, entry.status === "ok" || entry.status === "skip", entry.id);
  }
  assert.equal(diagnosis.ok, false);

  const context = fakeContext({
    env: { ...env, HOME: home.path },
    home: home.path,
    os: Deno.build.os,
    fetch: (input, init) => fetch(input, init),
    now: Date.now(),
  });
  const fromLibrary = await diagnose({ context });
  assert.deepEqual(statuses(fromLibrary), statuses(diagnosis));
  assert.equal(check(fromLibrary, "tls").summary, check(diagnosis, "tls").summary);
  assert.equal(context.out(), "", "the library writes nothing");
  assert.equal(context.err(), "");
});

Deno.test("doctor: no secret is printed, not even with --verbose: keys show their last 4 characters", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  const stored = await server.issueApiKey();
  await storeKey(home.path, server.domain, stored);
  const refused = foreignJwt();
  await using proxy = refusingProxy("407 Proxy Authentication Required");
  const secrets = [stored, refused, "pr0xy-passw0rd"];
  const runs = [
    await runCli(["auth", "doctor", "-v"], { home: home.path, env: siteEnv(server) }),
    await runCli(["auth", "doctor", "--json", "-v"], {
      home: home.path,
      env: siteEnv(server, { ANACONDA_AUTH_API_KEY: refused }),
    }),
    await runCli(["auth", "doctor"], {
      home: home.path,
      env: siteEnv(server, { HTTPS_PROXY: `http://jane:pr0xy-passw0rd@127.0.0.1:${proxy.port}` }),
    }),
  ];
  for (const run of runs) {
    for (const secret of secrets) {
      assert.ok(!run.stdout.includes(secret), `stdout has a secret:\n${run.stdout}`);
      assert.ok(!run.stderr.includes(secret), `stderr has a secret:\n${run.stderr}`);
    }
  }
  assert.ok(runs[0]!.stdout.includes(`********${stored.slice(-4)}`));
  assert.match(runs[0]!.stderr, /> GET .*\/api\/account/, "--verbose logs the requests");
  assert.ok(runs[1]!.stdout.includes(`********${refused.slice(-4)}`));
  assert.match(runs[2]!.stdout, /refused CONNECT .*: 407 Proxy Authentication Required/);
  assert.match(runs[2]!.stdout, /fix: the proxy does not accept the user name and password/);
});

Deno.test("doctor: a server that never answers fails TLS at the site's timeout; the run ends within twice it", async () => {
  await using home = await tempHome();
  await using server = silentServer();
  const { port } = server;
  const context = fakeContext({
    home: home.path,
    env: {
      ANACONDA_AUTH_DOMAIN: `127.0.0.1:${port}`,
      ANACONDA_AUTH_TIMEOUT: "1",
      ANACONDA_AUTH_API_KEY: foreignJwt(),
      ANACONDA_SECRETS_DIR: `${home.path}/no-secrets`,
    },
    fetch: (input, init) => fetch(input, init),
    now: Date.now(),
  });
  const started = Date.now();
  const diagnosis = await diagnose({ context });
  const elapsed = Date.now() - started;
  assert.equal(check(diagnosis, "network").status, "ok");
  assert.deepEqual(check(diagnosis, "tls"), {
    id: "tls",
    status: "fail",
    summary: `Request to https://127.0.0.1:${port}/ failed: no response within 1 s (timeout)`,
    fix: `check that 127.0.0.1:${port} serves HTTPS (anaconda sites show --at 127.0.0.1:${port})`,
  });
  assert.equal(check(diagnosis, "account").status, "skip");
  assert.ok(server.connections >= 1, "the doctor did connect");
  assert.ok(elapsed < 2000, `took ${elapsed} ms, more than twice the site's timeout`);
});

Deno.test({
  name: "doctor: system storage with a running Secret Service holds the key and can be reached",
  ignore: SECRET_SERVICE.ignore,
  async fn() {
    assertSecretService();
    await using home = await tempHome();
    await using server = await startDevServer();
    const env = siteEnv(server, {
      ANACONDA_AUTH_PREFERRED_TOKEN_STORAGE: "system",
      DBUS_SESSION_BUS_ADDRESS: SECRET_SERVICE.address ?? "",
    });
    const login = await runCli(["auth", "login", "--with-token"], {
      home: home.path,
      env,
      stdin: await server.issueApiKey(),
    });
    assert.equal(login.code, 0, login.stderr);
    try {
      const { result, diagnosis } = await doctor(home.path, env);
      assert.equal(result.code, 0, JSON.stringify(diagnosis.checks));
      assert.deepEqual(check(diagnosis, "storage"), {
        id: "storage",
        status: "ok",
        summary: `the key of ${server.domain} is in the system keyring (Secret Service); the ` +
          "system keyring (Secret Service) can be reached",
        fix: null,
      });
      assert.match(
        check(diagnosis, "api-key").summary,
        /from the system keyring \(Secret Service\)/,
      );
    } finally {
      await runCli(["auth", "logout"], { home: home.path, env });
    }
  },
});
