/**
 * `anaconda token` as conda itself will read the result (docs/behaviour.md; D55-D58), end to end
 * against the stand-in service. Each test names the rule of conda it mirrors:
 * - aliases (conda/base/context.py `ParameterLoader(..., aliases=...)`, and
 *   `MultipleKeysError` in conda/common/configuration.py);
 * - the token characters conda carries (`split_anaconda_token` in conda/common/url.py);
 * - `channels` with no default since conda 25.9, merged over conda's search path
 *   (conda/base/constants.py `SEARCH_PATH`, `SequenceLoadedParameter.merge`, `#!final`);
 * - the URL conda requests (`Channel.make_simple_channel` and `Channel.urls` in
 *   conda/models/channel.py) and its session's proxy and TLS settings
 *   (`CondaSession` in conda/gateways/connection/session.py).
 */
import assert from "node:assert/strict";
import { type DevServer, startDevServer } from "../scripts/stand_in/server.ts";
import { requestLines, storedToken } from "./dev_site.ts";
import { type CliResult, runCli, tempHome } from "./support.ts";
import {
  afterArgvWarning,
  backupFiles,
  clutterBeside,
  logIn,
  readOrNull,
  tokenEnv,
  tokenFile,
} from "./token_commands_support.ts";
import { condaPrimitive, condaSequence, readCondaFiles } from "../src/conda/conda_config.ts";
import { readTokenFiles } from "../src/conda/token_files.ts";
import { withToken } from "../src/conda/repo_url.ts";
import { condaTokenDir, escapeRegExp, joinPath } from "./paths.ts";

/** Windows has no POSIX modes to check. */
const WINDOWS = Deno.build.os === "windows";

const PROBE = "main/noarch/repodata.json";

function token(
  server: DevServer,
  home: string,
  args: string[],
  options: { env?: Record<string, string>; stdin?: string } = {},
): Promise<CliResult> {
  return runCli(["token", ...args], {
    home,
    env: tokenEnv(server, options.env),
    ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
  });
}

function defaultChannels(repo: string): string {
  return `default_channels:\n  - ${repo}main\n  - ${repo}r\n  - ${repo}msys2\n`;
}

/**
 * What a plain `conda search pkg` (no `-c`) requests, by conda's rules: `channels`
 * merged over its files; `defaults` expands to `default_channels`; with
 * `add_anaconda_token`, the token of the token file whose URL starts the channel's URL
 * goes right after host[:port] (`CondaHttpAuth.add_binstar_token`).
 */
async function condaSearchUrls(home: string, env: Record<string, string> = {}) {
  const context = {
    env: { get: (name: string) => env[name], toObject: () => env },
    homeDir: () => home,
    os: Deno.build.os,
  };
  const files = await readCondaFiles(context, joinPath(home, ".condarc"), null);
  const channels = condaSequence(files, "channels", context.env).flatMap((channel) =>
    channel === "defaults" ? condaSequence(files, "default_channels", context.env) : [channel]
  );
  const addToken = condaPrimitive(files, "add_anaconda_token") ?? true;
  // The token folder of the CLI's runs (tests/support.ts's environment) on this OS.
  const tokens = await readTokenFiles(condaTokenDir(home));
  return channels.map((channel) => {
    const url = `${channel}/noarch/repodata.json`;
    const found = tokens.find((entry) => url.startsWith(entry.url));
    return addToken && found ? withToken(url, found.token) : url;
  });
}

Deno.test("a fresh HOME: install --yes adds channels: [defaults], and a plain conda search reaches the repository with the token (D57)", async () => {
  await using home = await tempHome();
  await using server = await startDevServer({ repoTokenExpiresAt: "2099-01-01T00:00:00" });
  await logIn(home.path, server);
  const repo = server.repo.url;

  const result = await token(server, home.path, ["install", "--yes"]);
  assert.equal(result.code, 0, result.stderr);
  // As the CLI names it: joined with the platform's separator.
  const condarc = joinPath(home.path, ".condarc");
  assert.equal(
    result.stderr,
    "Only one organization found, automatically selecting: acme\n" +
      `Configuring your .condarc file (${condarc})\n` +
      "conda has no channel to search: no .condarc it reads lists channels (conda 25.9 and " +
      `later no longer add defaults by themselves). Adding "channels: [defaults]" to ${condarc}.\n` +
      "Your conda token has been installed and expires 2099-01-01 00:00:00. " +
      "To view your token(s), you can use anaconda token list\n" +
      "✓ Success! Your token has been installed and validated, and conda has been configured.\n",
  );
  assert.equal(
    await Deno.readTextFile(condarc),
    `add_anaconda_token: true\n${defaultChannels(repo)}channels:\n  - defaults\n`,
  );

  // conda's view: channels -> defaults -> default_channels, each with the token.
  const live = server.repo.tokens.at(-1)!.token;
  const urls = await condaSearchUrls(home.path);
  const origin = new URL(repo).origin;
  assert.deepEqual(urls, [
    `${origin}/t/${live}/repo/main/noarch/repodata.json`,
    `${origin}/t/${live}/repo/r/noarch/repodata.json`,
    `${origin}/t/${live}/repo/msys2/noarch/repodata.json`,
  ]);
  const client = Deno.createHttpClient({ caCerts: [await Deno.readTextFile(server.caPath!)] });
  try {
    for (const url of urls) {
      const response = await fetch(url, { method: "HEAD", client });
      assert.equal(response.status, 200, url);
    }
  } finally {
    client.close();
  }
});

Deno.test("install asks before adding channels: Enter adds them, n leaves them out with the exact fix (D57)", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  await logIn(home.path, server);
  const condarc = joinPath(home.path, ".condarc");
  await Deno.writeTextFile(condarc, "# mine\nauto_activate_base: false\n");

  const declined = await token(server, home.path, ["install"], { stdin: "y\nn\n" });
  assert.equal(declined.code, 0, declined.stderr);
  assert.match(
    declined.stderr,
    /\nAdd "channels: \[defaults\]" to \S+[\\/]\.condarc\? \[y\/n\] \(y\): /,
  );
  assert.match(
    declined.stderr,
    new RegExp(
      `\\(y\\): Warning: conda has no channel to search: .*\\. Fix: add "channels: \\[defaults\\]" to ${
        escapeRegExp(condarc)
      }, or run conda config --add channels defaults\\n`,
    ),
  );
  assert.doesNotMatch(await Deno.readTextFile(condarc), /^channels:/m);

  const accepted = await token(server, home.path, ["install", "--org", "acme"], {
    stdin: "y\n\n",
  });
  assert.equal(accepted.code, 0, accepted.stderr);
  assert.match(await Deno.readTextFile(condarc), /\nchannels:\n {2}- defaults\n$/);
  assert.ok((await Deno.readTextFile(condarc)).startsWith("# mine\nauto_activate_base: false\n"));

  // Now conda has a channel: no question, no line.
  const again = await token(server, home.path, ["install", "--org", "acme", "--yes"]);
  assert.equal(again.code, 0, again.stderr);
  assert.doesNotMatch(again.stderr, /no channel/);
});

Deno.test("channels listed in another file conda reads count; a #!final before the target is named (D57)", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  await logIn(home.path, server);
  const prefix = `${home.path}/envs/work`;
  await Deno.mkdir(prefix, { recursive: true });
  await Deno.writeTextFile(`${prefix}/.condarc`, "channels:\n  - conda-forge\n");

  // SEARCH_PATH reads $CONDA_PREFIX/.condarc after ~/.condarc; its list is merged in.
  const merged = await token(server, home.path, ["install", "--yes"], {
    env: { CONDA_PREFIX: prefix },
  });
  assert.equal(merged.code, 0, merged.stderr);
  assert.doesNotMatch(merged.stderr, /no channel/);
  assert.doesNotMatch(await Deno.readTextFile(`${home.path}/.condarc`), /^channels:/m);

  // ~/.config/conda/condarc comes before ~/.condarc: an empty list marked #!final there
  // hides every later file, so adding channels to ~/.condarc would not help.
  await Deno.mkdir(`${home.path}/.config/conda`, { recursive: true });
  // As the CLI names it: the home folder joined with the platform's separator.
  const final = joinPath(home.path, ".config/conda/condarc");
  await Deno.writeTextFile(final, "channels: [] #!final\n");
  const hidden = await token(server, home.path, ["install", "--yes"], {
    env: { CONDA_PREFIX: prefix },
  });
  assert.equal(hidden.code, 0, hidden.stderr);
  assert.match(
    hidden.stderr,
    new RegExp(
      `\\nWarning: conda has no channel to search: .*, and ${
        escapeRegExp(final)
      } marks channels #!final, so conda reads them from no later file: add defaults to its channels list\\n`,
    ),
  );
  assert.doesNotMatch(await Deno.readTextFile(`${home.path}/.condarc`), /^channels:/m);
});

Deno.test("set prints one line with the exact fix when conda has no channel, for the file it wrote (D57)", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  const live = server.repo.issue("acme").token;
  const file = `${home.path}/team dir/condarc.yml`;

  const result = await token(server, home.path, [
    "set",
    live,
    "--file",
    file,
    "--force-config-condarc",
  ]);
  assert.equal(result.code, 0, result.stderr);
  const lines = afterArgvWarning(result.stderr).split("\n")
    .filter((line) => line.startsWith("Warning: "));
  assert.deepEqual(lines, [
    "Warning: conda has no channel to search: no .condarc it reads lists channels (conda 25.9 " +
    `and later no longer add defaults by themselves). Fix: add "channels: [defaults]" to ${file}, ` +
    `or run conda config --file '${file}' --add channels defaults`,
  ]);
  // set itself never adds channels.
  assert.doesNotMatch(await Deno.readTextFile(file), /^channels:/m);

  // With channels in ~/.condarc, which conda reads too: no line.
  await Deno.writeTextFile(`${home.path}/.condarc`, "channels: [defaults]\n");
  const quiet = await token(server, home.path, ["set", live, "--file", file]);
  assert.equal(quiet.code, 0, quiet.stderr);
  assert.doesNotMatch(afterArgvWarning(quiet.stderr), /Warning/);
});

Deno.test("set renames old key names in place; verify_ssl's CA is the one validation trusts (D55, D58)", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  const condarc = `${home.path}/.condarc`;
  const before = [
    "# team settings",
    "channels:",
    "  - defaults",
    "add_binstar_token: false   # set by an old installer",
    `verify_ssl: ${server.caPath}   # corporate CA`,
    "",
  ].join("\n");
  await Deno.writeTextFile(condarc, before);
  // The site itself trusts only the public roots: the stand-in's CA comes from .condarc.
  const live = server.repo.issue("acme").token;
  const set = await token(server, home.path, ["set", live, "--force-config-condarc"], {
    env: { ANACONDA_AUTH_SSL_VERIFY: "true" },
  });
  assert.equal(set.code, 0, set.stderr);
  const repo = server.repo.url;
  assert.equal(
    await Deno.readTextFile(condarc),
    [
      "# team settings",
      "channels:",
      "  - defaults",
      "add_anaconda_token: true   # set by an old installer",
      `verify_ssl: ${server.caPath}   # corporate CA`,
      defaultChannels(repo),
    ].join("\n"),
  );
  // The token was checked at the repository, through the CA of verify_ssl.
  assert.ok(requestLines(server).includes(`HEAD /t/${live}/repo/${PROBE}`));

  // --no-ssl-verify writes ssl_verify: the old name becomes it, where it stands.
  const insecure = await token(server, home.path, ["set", live, "--no-ssl-verify"]);
  assert.equal(insecure.code, 0, insecure.stderr);
  assert.match(
    await Deno.readTextFile(condarc),
    /\nadd_anaconda_token: true {3}# set by an old installer\nssl_verify: false {3}# corporate CA\n/,
  );
  assert.doesNotMatch(await Deno.readTextFile(condarc), /verify_ssl/);

  // token remove renames nothing back and leaves no old name behind either.
  await Deno.writeTextFile(condarc, "_default_channels: [x]\n_signing_metadata_url_base: y\n");
  const removed = await token(server, home.path, ["remove"]);
  assert.equal(removed.code, 0, removed.stderr);
  assert.equal(await Deno.readTextFile(condarc), "extra_safety_checks: false\n");
});

Deno.test("install --yes with add_binstar_token and verify_ssl in ~/.condarc: the key it writes is renamed in place (D55)", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  await logIn(home.path, server);
  const condarc = `${home.path}/.condarc`;
  const before = `add_binstar_token: false\nverify_ssl: ${server.caPath}  # CA\n`;
  await Deno.writeTextFile(condarc, before);
  const result = await token(server, home.path, ["install", "--yes"]);
  assert.equal(result.code, 0, result.stderr);
  const repo = server.repo.url;
  assert.equal(
    await Deno.readTextFile(condarc),
    `add_anaconda_token: true\nverify_ssl: ${server.caPath}  # CA\n${
      defaultChannels(repo)
    }channels:\n  - defaults\n`,
  );
  const [backup] = await backupFiles(home.path);
  assert.equal(await Deno.readTextFile(`${home.path}/.anaconda/backups/${backup}`), before);
});

Deno.test("tokens conda cannot send are refused before anything is sent or written (D56)", async () => {
  await using home = await tempHome();
  const odd = "ab/cd+e=";
  await using server = await startDevServer({ makeRepoToken: () => odd });
  await logIn(home.path, server);
  server.repo.issue("acme", { token: odd });
  const message = "TokenValidationError: The token holds characters conda cannot send in a " +
    "repository URL (only letters, digits, _ and - are allowed). Please check that you have " +
    "copied it correctly\n";

  for (const args of [["set", odd], ["install", odd, "--org", "acme", "--yes"]]) {
    const result = await token(server, home.path, args);
    assert.equal(result.code, 1, args.join(" "));
    assert.equal(afterArgvWarning(result.stderr), message, args.join(" "));
    assert.deepEqual(requestLines(server), [], args.join(" "));
  }
  // stdin too, and whitespace inside a token.
  const piped = await token(server, home.path, ["set", "-"], { stdin: "abc def\n" });
  assert.equal(piped.stderr, message);

  // An issued token conda could not send is not stored either.
  const issued = await token(server, home.path, ["install", "--yes"]);
  assert.equal(issued.code, 1);
  assert.ok(issued.stderr.endsWith(message), issued.stderr);
  assert.ok(!issued.stderr.includes(odd));
  assert.ok(!requestLines(server).some((line) => line.startsWith("HEAD ")));
  assert.deepEqual((await storedToken(home.path, server.domain))?.repo_tokens, []);
  assert.equal(await readOrNull(`${home.path}/.condarc`), null);
  assert.equal(await readOrNull(tokenFile(home.path, server.repo.url)), null);
});

Deno.test("a repository URL with a path is validated where conda requests it: the token right after host[:port] (D58)", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  const live = server.repo.issue("acme").token;
  const repo = `${server.url}/conda/repo/`;
  const result = await token(server, home.path, ["set", live, "--force-config-condarc"], {
    env: { CONDA_TOKEN_REPO_URL: repo },
  });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(requestLines(server), [`HEAD /t/${live}/conda/repo/${PROBE}`]);
  assert.match(await Deno.readTextFile(`${home.path}/.condarc`), /\/conda\/repo\/main\n/);
});

Deno.test("validation connects as conda will: .condarc's ssl_verify and proxy_servers over the site's (D58)", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  const live = server.repo.issue("acme").token;
  const condarc = `${home.path}/.condarc`;
  const site = { ANACONDA_AUTH_SSL_VERIFY: "true" };

  // The site trusts only public roots; conda's ssl_verify: false is what conda will use.
  await Deno.writeTextFile(condarc, "ssl_verify: false\n");
  const insecure = await token(server, home.path, ["set", live, "--force-config-condarc"], {
    env: site,
  });
  assert.equal(insecure.code, 0, insecure.stderr);

  // A CA folder ($VAR expanded, as conda expands ssl_verify) in $CONDA_PREFIX/.condarc,
  // which conda reads after ~/.condarc: the later file wins.
  const prefix = `${home.path}/env`;
  await Deno.mkdir(`${home.path}/cas`, { recursive: true });
  await Deno.mkdir(prefix, { recursive: true });
  await Deno.copyFile(server.caPath!, `${home.path}/cas/stand-in.pem`);
  await Deno.writeTextFile(condarc, "ssl_verify: true\n");
  await Deno.writeTextFile(`${prefix}/.condarc`, "ssl_verify: $CAS\n");
  const folder = await token(server, home.path, [
    "set",
    live,
    "--file",
    "x.yml",
    "--force-config-condarc",
  ], {
    env: { ...site, CONDA_PREFIX: prefix, CAS: `${home.path}/cas` },
  });
  assert.equal(folder.code, 0, folder.stderr);

  // conda's proxy_servers: the request goes to that proxy (here one that is not there).
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  await Deno.writeTextFile(condarc, `proxy_servers:\n  https: http://127.0.0.1:${port}\n`);
  const proxied = await token(server, home.path, ["set", live]);
  assert.equal(proxied.code, 1);
  assert.match(proxied.stderr, new RegExp(`127\\.0\\.0\\.1:${port}`));
  assert.doesNotMatch(proxied.stderr, new RegExp(live));

  // An ssl_verify path that does not exist: conda refuses it, and so does this.
  await Deno.writeTextFile(condarc, "ssl_verify: /etc/no-such-ca.pem\n");
  const missing = await token(server, home.path, ["set", live]);
  assert.equal(missing.code, 1);
  assert.equal(
    afterArgvWarning(missing.stderr),
    `CondarcError: ${
      joinPath(home.path, ".condarc")
    }: ssl_verify value '/etc/no-such-ca.pem' must be a boolean, a path ` +
      "to a certificate bundle file, a path to a directory containing certificates of trusted " +
      "CAs, or 'truststore' (conda refuses it too)\n",
  );
});

Deno.test("backups and locks stay out of the user's folders: ~/.anaconda/backups (0700), 5 kept, named in the line", async () => {
  await using home = await tempHome();
  await using server = await startDevServer();
  const live = server.repo.issue("acme").token;
  const condarc = `${home.path}/.condarc`;
  await Deno.writeTextFile(condarc, "channels: [defaults]\n");
  // What earlier versions left beside it moves out: their backups (into the folder,
  // stamp kept) and their empty lock file.
  const old = `${home.path}/.condarc.backup.20200101_000000_000000`;
  await Deno.writeTextFile(old, "old: 1\n");
  await Deno.writeTextFile(`${condarc}.lock`, "");
  const first = await token(server, home.path, ["set", live, "--force-config-condarc"]);
  assert.equal(first.code, 0, first.stderr);
  assert.deepEqual(await clutterBeside(home.path), []);
  assert.ok(
    (await backupFiles(home.path)).some((name) => name.endsWith(".backup.20200101_000000_000000")),
  );
  await Deno.writeTextFile(condarc, "channels: [defaults]\n");

  const texts: string[] = [];
  for (let round = 0; round < 7; round++) {
    texts.push(await Deno.readTextFile(condarc));
    const args = round % 2 === 0 ? ["set", live, "--force-config-condarc"] : ["remove"];
    const result = await token(server, home.path, args);
    assert.equal(result.code, 0, result.stderr);
    const [, backup] = /\(backup of the previous version: (\S+)\)\n$/.exec(result.stderr) ?? [];
    assert.ok(
      backup?.startsWith(joinPath(home.path, ".anaconda", "backups", "condarc.")),
      result.stderr,
    );
    assert.equal(await Deno.readTextFile(backup!), texts.at(-1));
    if (!WINDOWS) assert.equal((await Deno.stat(backup!)).mode! & 0o777, 0o600);
  }
  const backups = await backupFiles(home.path);
  assert.equal(backups.length, 5);
  if (!WINDOWS) {
    assert.equal((await Deno.stat(`${home.path}/.anaconda/backups`)).mode! & 0o777, 0o700);
    assert.equal((await Deno.stat(`${home.path}/.anaconda/locks`)).mode! & 0o777, 0o700);
  }
  // The newest five are kept.
  const kept = await Promise.all(
    backups.map((name) => Deno.readTextFile(`${home.path}/.anaconda/backups/${name}`)),
  );
  assert.deepEqual(kept.sort(), texts.slice(2).sort());
  assert.deepEqual(await clutterBeside(home.path), []);

  // Another .condarc keeps its own five: a different name (a hash of its real path).
  const other = `${home.path}/other/.condarc`;
  await Deno.mkdir(`${home.path}/other`);
  await Deno.writeTextFile(other, "channels: [defaults]\n");
  const set = await token(server, home.path, [
    "set",
    live,
    "--file",
    other,
    "--force-config-condarc",
  ]);
  assert.equal(set.code, 0, set.stderr);
  assert.equal((await backupFiles(home.path)).length, 6);
  assert.deepEqual(await clutterBeside(`${home.path}/other`), []);
});
