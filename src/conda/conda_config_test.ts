/**
 * What conda reads and how it merges it, each test mirroring one rule of conda's source:
 * `SEARCH_PATH` (conda/base/constants.py), `CONDA_ROOT` defaulting to the base prefix
 * (conda/__init__.py), `_expand_search_path` and `load_file_configs`
 * (conda/common/configuration.py: file names, `condarc.d` folders, each file once), the
 * `#!final` key flag (`YamlRawParameter.keyflag`, `ParameterFlag.from_string`), and the
 * merge of sequences, primitives and maps (`*LoadedParameter.merge`).
 */
import assert from "node:assert/strict";
import { condaSearchPath, expandVars } from "./conda_search_path.ts";
import { mergeMap, mergePrimitive, mergeSequence } from "./conda_merge.ts";
import { channelsStatus, condaConnection, readCondaFiles } from "./conda_config.ts";
import { finalMarks, parseCondarc } from "./condarc_edit.ts";
import { withHome } from "../../tests/support.ts";
import { joinPath } from "../path.ts";

function envOf(values: Record<string, string>) {
  return {
    get: (name: string) => values[name],
    toObject: () => ({ ...values }),
  };
}

Deno.test("conda's search path, in its order; unset variables drop their entries", () => {
  const all = condaSearchPath({
    env: envOf({
      CONDA_ROOT: "/opt/conda",
      XDG_CONFIG_HOME: "/x",
      CONDA_PREFIX: "/envs/work",
      CONDARC: "~/team/condarc.yml",
    }),
    homeDir: "/home/u",
    os: "linux",
  });
  // `~` is joined with the platform's separator, as Python's expanduser does.
  const inHome = (rest: string) => joinPath("/home/u", rest);
  assert.deepEqual(all, [
    "/etc/conda/.condarc",
    "/etc/conda/condarc",
    "/etc/conda/condarc.d",
    "/var/lib/conda/.condarc",
    "/var/lib/conda/condarc",
    "/var/lib/conda/condarc.d",
    "/opt/conda/.condarc",
    "/opt/conda/condarc",
    "/opt/conda/condarc.d",
    "/x/conda/.condarc",
    "/x/conda/condarc",
    "/x/conda/condarc.d",
    inHome(".config/conda/.condarc"),
    inHome(".config/conda/condarc"),
    inHome(".config/conda/condarc.d"),
    inHome(".conda/.condarc"),
    inHome(".conda/condarc"),
    inHome(".conda/condarc.d"),
    inHome(".condarc"),
    "/envs/work/.condarc",
    "/envs/work/condarc",
    "/envs/work/condarc.d",
    inHome("team/condarc.yml"),
  ]);
  // Nothing set: no $CONDA_ROOT, $XDG_CONFIG_HOME, $CONDA_PREFIX or $CONDARC entries.
  const bare = condaSearchPath({ env: envOf({}), homeDir: "/home/u", os: "linux" });
  assert.equal(bare.some((path) => path.includes("$")), false);
  assert.equal(bare.length, 6 + 3 + 3 + 1);
  // conda sets CONDA_ROOT to its base prefix when unset (conda/__init__.py).
  const based = condaSearchPath({
    env: envOf({}),
    homeDir: "/home/u",
    os: "linux",
    basePrefix: "/opt/mini",
  });
  assert.deepEqual(based.slice(6, 9), [
    "/opt/mini/.condarc",
    "/opt/mini/condarc",
    "/opt/mini/condarc.d",
  ]);
  // A file named twice is read once, in its first place.
  const twice = condaSearchPath({
    env: envOf({ CONDARC: "~/.condarc" }),
    homeDir: "/home/u",
    os: "linux",
  });
  assert.equal(twice.filter((path) => path === inHome(".condarc")).length, 1);
  assert.equal(twice.at(-1), inHome(".condarc"));
  const windows = condaSearchPath({ env: envOf({}), homeDir: "C:\\Users\\u", os: "windows" });
  assert.deepEqual(windows.slice(0, 3), [
    "C:/ProgramData/conda/.condarc",
    "C:/ProgramData/conda/condarc",
    "C:/ProgramData/conda/condarc.d",
  ]);
});

Deno.test("expandVars is Python's os.path.expandvars", () => {
  const env = (name: string) => ({ A: "1", B_2: "two" } as Record<string, string>)[name];
  assert.equal(expandVars("$A/${B_2}/$C/${D}/$", env), "1/two/$C/${D}/$");
});

Deno.test("#!final is the comment on the key's line, stripped of ! and # at both ends", () => {
  const marks = finalMarks(parseCondarc(
    [
      "channels: #!final",
      "  - a",
      "ssl_verify: false #!final",
      "default_channels: [x]   ##!final!!",
      "channel_alias: https://x # !final",
      "always_yes: true #!final extra",
      "add_anaconda_token: true",
      "  #!final",
      "proxy_servers:",
      "  http: http://p:1 #!final",
      "  https: http://p:2",
      "",
    ].join("\n"),
    "/c",
  ));
  assert.deepEqual([...marks.keys], ["channels", "ssl_verify", "default_channels"]);
  assert.deepEqual([...(marks.entries.get("proxy_servers") ?? [])], ["http"]);
});

const m = <T>(source: string, index: number, value: T, final = false) => ({
  source,
  index,
  value,
  final,
});

Deno.test("merge rules: sequences unite (later files first), primitives take the last, #!final cuts", () => {
  // SequenceLoadedParameter.merge: all files' lines, later files first, each once.
  assert.deepEqual(
    mergeSequence([m("a", 0, ["x", "y"]), m("b", 1, ["z", "x"])]),
    ["z", "x", "y"],
  );
  // _first_important_matches: a #!final hides the files after it.
  assert.deepEqual(mergeSequence([m("a", 0, ["x"], true), m("b", 1, ["z"])]), ["x"]);
  assert.deepEqual(mergeSequence([m("a", 0, [], true), m("b", 1, ["z"])]), []);
  // PrimitiveLoadedParameter.merge: the first important match, else the last.
  assert.equal(mergePrimitive([m("a", 0, 1), m("b", 1, 2)])?.value, 2);
  assert.equal(mergePrimitive([m("a", 0, 1, true), m("b", 1, 2)])?.value, 1);
  assert.equal(mergePrimitive([]), undefined);
  // MapLoadedParameter.merge: entry by entry; an entry's own #!final wins.
  assert.deepEqual(
    mergeMap([
      { ...m("a", 0, { http: "h1", https: "s1" }), finalEntries: new Set(["http"]) },
      m("b", 1, { http: "h2", https: "s2", ftp: "f" }),
    ]),
    { http: "h1", https: "s2", ftp: "f" },
  );
  assert.deepEqual(mergeMap([m("a", 0, { http: "h1" }, true), m("b", 1, { ftp: "f" })]), {
    http: "h1",
  });
  assert.equal(mergeMap([]), undefined);
});

/** Writes `files` (paths relative to `home`) and returns readCondaFiles' view of them. */
async function view(
  home: string,
  files: Record<string, string>,
  target: string,
  env: Record<string, string> = {},
) {
  for (const [path, text] of Object.entries(files)) {
    const full = `${home}/${path}`;
    await Deno.mkdir(full.slice(0, full.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(full, text);
  }
  const context = { env: envOf(env), homeDir: () => home, os: Deno.build.os };
  return await readCondaFiles(context, `${home}/${target}`, null);
}

Deno.test("on Windows the target is found in conda's search path whatever its separators and case", async () => {
  await withHome(async (home) => {
    await Deno.mkdir(`${home}/.conda`);
    await Deno.writeTextFile(`${home}/.conda/condarc`, "channels: [] #!final\n");
    // `~` makes `<home>\.conda/condarc` there; a user may type `<HOME>\.CONDA\condarc`.
    const target = `${home}\\.CONDA\\condarc`;
    const context = { env: envOf({}), homeDir: () => home, os: "windows" as const };
    const files = await readCondaFiles(context, target, null);
    const sameFile = (path: string) =>
      path.replaceAll("\\", "/").toLowerCase() === `${home}/.conda/condarc`.toLowerCase();
    // Read once, in its place: not as a later file that its own #!final would hide.
    assert.ok(files.sources.filter((source) => sameFile(source.path)).length <= 1);
    assert.equal(channelsStatus(files, envOf({})).finalBefore, null);
  });
});

Deno.test("the files conda reads: condarc.d YAML files in name order, $CONDARC, the target's place", async () => {
  await withHome(async (home) => {
    const files = await view(
      home,
      {
        ".condarc": "a: 1\n",
        ".config/conda/condarc.d/b.yml": "b: 1\n",
        ".config/conda/condarc.d/a.yaml": "c: 1\n",
        ".config/conda/condarc.d/notes.txt": "d: 1\n",
        "env/.condarc": "e: 1\n",
        "team.yml": "f: 1\n",
        "rc.conf": "g: 1\n",
      },
      "elsewhere/x.yml",
      { CONDA_PREFIX: `${home}/env`, CONDARC: `${home}/team.yml` },
    );
    const ours = files.sources.map((source) => source.path.slice(home.length + 1));
    assert.deepEqual(ours.slice(-5), [
      joinPath(".config/conda/condarc.d", "a.yaml"),
      joinPath(".config/conda/condarc.d", "b.yml"),
      ".condarc",
      "env/.condarc",
      "team.yml",
    ]);
    // A target conda would not find by itself counts after everything else.
    assert.equal(files.targetIndex, files.sources.length);
    // $CONDARC must name a .condarc, condarc or YAML file.
    const other = await view(home, {}, ".condarc", { CONDARC: `${home}/rc.conf` });
    assert.equal(other.sources.some((source) => source.path.endsWith("rc.conf")), false);
    // A file conda cannot parse is reported and skipped.
    const broken = await view(home, { ".conda/condarc": "a: [\n" }, ".condarc");
    assert.match(broken.problems.join("\n"), /\.conda\/condarc/);
  });
});

Deno.test("channels: a list in any file counts; #!final before the target hides it (D57)", async () => {
  await withHome(async (home) => {
    const env = envOf({});
    const status = async (files: Record<string, string>, target: string, vars = {}) =>
      channelsStatus(await view(home, files, target, vars), env);
    // Fresh: no channel anywhere.
    assert.deepEqual(await status({}, ".condarc"), { channels: [], finalBefore: null });
    // A list in the user's file counts for an --env target, and the other way round.
    const prefix = { CONDA_PREFIX: `${home}/env` };
    assert.deepEqual(
      (await status({ ".condarc": "channels: [conda-forge]\n" }, "env/.condarc", prefix))
        .channels,
      ["conda-forge"],
    );
    await Deno.remove(`${home}/.condarc`);
    assert.deepEqual(
      (await status({ "env/.condarc": "channel:\n  - defaults\n" }, ".condarc", prefix))
        .channels,
      ["defaults"],
    );
    await Deno.remove(`${home}/env/.condarc`);
    // `channels: ~` and `channels: []` list nothing.
    assert.deepEqual(
      (await status(
        { ".condarc": "channels: ~\n", ".conda/condarc": "channels: []\n" },
        ".condarc",
      ))
        .channels,
      [],
    );
    // An empty list marked #!final before the target: adding to the target is no use.
    const final = await status(
      { ".conda/condarc": "channels: [] #!final\n", ".condarc": "x: 1\n" },
      ".condarc",
    );
    assert.deepEqual(final, { channels: [], finalBefore: joinPath(home, ".conda/condarc") });
    // ...but a #!final in the target itself does not hide the target.
    const own = await status({ ".conda/condarc": "channels: [] #!final\n" }, ".conda/condarc");
    assert.equal(own.finalBefore, null);
    // A #!final list before later lists is the only one conda reads.
    await Deno.writeTextFile(`${home}/.conda/condarc`, "channels: [a] #!final\n");
    await Deno.writeTextFile(`${home}/.condarc`, "channels: [b]\n");
    assert.deepEqual((await status({}, ".condarc")).channels, ["a"]);
  });
});

Deno.test("conda's connection settings: the last file wins, #!final first, old names, $VARs (D58)", async () => {
  await withHome(async (home) => {
    await Deno.writeTextFile(`${home}/ca.pem`, "");
    const env = envOf({ CA_DIR: home });
    const files = await view(home, {
      ".conda/condarc": [
        "verify_ssl: /first.pem",
        "proxy_servers:",
        "  http: http://p1:1 #!final",
        "  https: http://p1:2",
        "client_cert: /c.pem",
        "",
      ].join("\n"),
      ".condarc": [
        "ssl_verify: $CA_DIR/ca.pem",
        "proxy_servers:",
        "  http: http://p2:1",
        "  https: http://p2:2",
        "",
      ].join("\n"),
    }, ".condarc");
    assert.deepEqual(await condaConnection(files, env), {
      ssl_verify: `${home}/ca.pem`,
      sslVerifySource: `ssl_verify in ${home}/.condarc`,
      proxy_servers: { http: "http://p1:1", https: "http://p2:2" },
      client_cert: "/c.pem",
      client_cert_key: null,
    });
    // conda refuses an ssl_verify path that does not exist; so does this, naming the file.
    await Deno.writeTextFile(`${home}/.condarc`, "ssl_verify: /no/such.pem\n");
    await assert.rejects(condaConnection(await view(home, {}, ".condarc"), env), {
      name: "CondarcError",
      message: `${home}/.condarc: ssl_verify value '/no/such.pem' must be a boolean, a path ` +
        "to a certificate bundle file, a path to a directory containing certificates of " +
        "trusted CAs, or 'truststore' (conda refuses it too)",
    });
    await Deno.writeTextFile(`${home}/.conda/condarc`, "ssl_verify: false #!final\n");
    assert.deepEqual(
      (await condaConnection(await view(home, {}, ".condarc"), env)).ssl_verify,
      false,
    );
    await Deno.writeTextFile(`${home}/.conda/condarc`, "ssl_verify: truststore\n");
    await Deno.writeTextFile(`${home}/.condarc`, "x: 1\n");
    assert.deepEqual(await condaConnection(await view(home, {}, ".condarc"), env), {
      ssl_verify: "truststore",
      sslVerifySource: `ssl_verify in ${joinPath(home, ".conda/condarc")}`,
    });
    await Deno.remove(`${home}/.conda/condarc`);
    assert.deepEqual(await condaConnection(await view(home, {}, ".condarc"), env), {});
  });
});
