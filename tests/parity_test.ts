/**
 * End-to-end checks of the Python-parity points and deliberate differences (docs/behaviour.md:
 * D8, D9, D17, D44, D45) that a first review found missing.
 * @module
 */
import assert from "node:assert/strict";
import { NO_TERMINAL, runCli, runCliInTerminal, tempHome } from "./support.ts";
import { jwtExpiringIn } from "./token_support.ts";
import { joinPath } from "./paths.ts";

/** Python's `sites show` fields that are not hidden. */
const PYTHON_VISIBLE = [
  "site",
  "domain",
  "ssl_verify",
  "extra_headers",
  "use_unified_repo_api_key",
  "proxy_servers",
  "client_cert",
  "client_cert_key",
  "use_device_flow",
];

Deno.test("sites show prints exactly Python's visible fields; timeout only with --show-hidden", async () => {
  await using home = await tempHome();
  const shown = await runCli(["sites", "show"], { home: home.path });
  assert.equal(shown.code, 0, shown.stderr);
  assert.deepEqual(Object.keys(JSON.parse(shown.stdout)), PYTHON_VISIBLE);
  const hidden = await runCli(["sites", "show", "--show-hidden"], { home: home.path });
  const all = JSON.parse(hidden.stdout);
  assert.equal(all.timeout, 30);
  assert.ok(!("api_version" in all), "api_version is not a site field (D8)");
});

Deno.test("auth api-key fails with TokenExpiredError for an expired key from the environment", async () => {
  await using home = await tempHome();
  const expired = await runCli(["auth", "api-key"], {
    home: home.path,
    env: { ANACONDA_AUTH_API_KEY: jwtExpiringIn(-60) },
  });
  assert.equal(expired.code, 1);
  assert.equal(expired.stdout, "");
  assert.match(expired.stderr, /^TokenExpiredError: Your login token has expired\n/);
  // A configured key that is not a JWT cannot be checked: it is printed as it is.
  const plain = await runCli(["auth", "api-key"], {
    home: home.path,
    env: { ANACONDA_AUTH_API_KEY: "plain-key" },
  });
  assert.deepEqual([plain.code, plain.stdout], [0, "plain-key\n"]);
});

Deno.test({
  name: "sites list marks default and logged-in sites with ✔, with borders on a terminal",
  ignore: NO_TERMINAL,
}, async () => {
  await using home = await tempHome();
  const env = { ANACONDA_AUTH_API_KEY: jwtExpiringIn(3600) };
  const piped = await runCli(["sites", "list"], { home: home.path, env });
  assert.equal(
    piped.stdout,
    "Site name     Domain name   Default site  Logged in\n" +
      "------------  ------------  ------------  ---------\n" +
      "anaconda.com  anaconda.com  ✔             ✔\n",
  );
  const terminal = await runCliInTerminal(["sites", "list"], { home: home.path, env });
  assert.equal(terminal.code, 0, terminal.stderr);
  assert.equal(
    terminal.stdout,
    [
      "┌──────────────┬──────────────┬──────────────┬───────────┐",
      "│ Site name    │ Domain name  │ Default site │ Logged in │",
      "├──────────────┼──────────────┼──────────────┼───────────┤",
      "│ anaconda.com │ anaconda.com │ ✔            │ ✔         │",
      "└──────────────┴──────────────┴──────────────┴───────────┘",
      "",
    ].join("\n"),
  );
  assert.ok(!terminal.stdout.includes("yes") && !terminal.stdout.includes("no "));
});

Deno.test("auth status shows the username: the stored one, else the key's claims", async () => {
  await using home = await tempHome();
  const key = jwtExpiringIn(3600, { preferred_username: "ann" });
  const login = await runCli(["auth", "login", "--with-token"], { home: home.path, stdin: key });
  assert.equal(login.code, 0, login.stderr);
  const status = await runCli(["auth", "status", "--json"], { home: home.path });
  assert.equal(status.code, 0, status.stderr);
  assert.equal(JSON.parse(status.stdout)[0].username, "ann");
  const table = await runCli(["auth", "status"], { home: home.path });
  assert.match(table.stdout, /^anaconda\.com\s+anaconda\.com\s+✔\s+yes\s+.+\s+ann\s/m);
});

Deno.test("sites add/modify/remove say on stderr what they changed, nothing on stdout (D44)", async () => {
  await using home = await tempHome();
  const steps: [string[], string][] = [
    [
      ["sites", "add", "--domain", "example.com", "--name", "work", "--yes"],
      "✓ Added site work (example.com), now the default; removed site anaconda.com\n",
    ],
    [
      ["sites", "add", "--domain", "dev.example.com", "--yes"],
      "✓ Added site dev.example.com\n",
    ],
    [
      ["sites", "modify", "--name", "work", "--no-ssl-verify", "--yes"],
      "✓ Modified site work (example.com)\n",
    ],
    [
      ["sites", "modify", "--name", "dev.example.com", "--default", "--yes"],
      "✓ Made site dev.example.com the default\n",
    ],
    [
      ["sites", "remove", "dev.example.com", "--yes"],
      "✓ Removed site dev.example.com; the default site is now work (example.com)\n",
    ],
    [
      ["sites", "modify", "--name", "work", "--no-ssl-verify", "--yes"],
      `No change to ${joinPath(home.path, ".anaconda", "config.toml")}\n`,
    ],
  ];
  for (const [args, message] of steps) {
    const result = await runCli(args, { home: home.path });
    assert.deepEqual(result, { code: 0, stdout: "", stderr: message }, args.join(" "));
  }
});
