import assert from "node:assert/strict";
import { runApiKeyFastPath } from "./api_key_fast_path.ts";
import { run } from "../root.ts";
import { fakeContext } from "../../../tests/fake_context.ts";
import { keyringValue, makeJwt } from "../../../tests/token_support.ts";

const NOW = Date.UTC(2026, 0, 1);
const VALID = makeJwt({ exp: NOW / 1000 + 3600, sub: "jane" });
const OTHER_VALID = makeJwt({ exp: NOW / 1000 + 7200, sub: "env" });

/** Where a situation is set up: a home, a working folder and a secrets folder. */
interface Place {
  home: string;
  cwd: string;
  secrets: string;
}

/** The keyring file of the Python tool holding `accounts` under "Anaconda Cloud". */
async function writeKeyring(place: Place, accounts: Record<string, string>): Promise<void> {
  await Deno.mkdir(`${place.home}/.anaconda`, { recursive: true, mode: 0o700 });
  await Deno.writeTextFile(
    `${place.home}/.anaconda/keyring`,
    JSON.stringify({ "Anaconda Cloud": accounts }),
  );
}

const record = (apiKey: unknown) =>
  keyringValue({ domain: "anaconda.com", api_key: apiKey, repo_tokens: [], version: 2 });

const loggedIn = (place: Place) => writeKeyring(place, { "anaconda.com": record(VALID) });

/**
 * What the fast path does in a situation: print the key; leave the command to the full
 * one, which happens to print the same key here; or leave it because the full command
 * does something else (prints another key, fails, warns or changes a file).
 */
type Outcome = "prints" | "defers" | "must defer";

/** A situation: how to set it up, its environment, and what the fast path does. */
interface Situation {
  name: string;
  setup: (place: Place) => Promise<void>;
  env?: (place: Place) => Record<string, string>;
  outcome: Outcome;
}

const SITUATIONS: Situation[] = [
  { name: "a valid key, nothing configured", setup: loggedIn, outcome: "prints" },
  {
    name: "a secrets folder that does not exist",
    setup: loggedIn,
    env: (place) => ({ ANACONDA_SECRETS_DIR: `${place.secrets}/missing` }),
    outcome: "prints",
  },
  {
    name: "a secrets folder holding other secrets",
    setup: async (place) => {
      await loggedIn(place);
      await Deno.writeTextFile(`${place.secrets}/db_password`, "hunter2");
    },
    env: (place) => ({ ANACONDA_SECRETS_DIR: place.secrets }),
    outcome: "prints",
  },
  {
    name: "ANACONDA_CONFIG_TOML naming a file that does not exist",
    setup: loggedIn,
    env: (place) => ({ ANACONDA_CONFIG_TOML: `${place.home}/none.toml` }),
    outcome: "prints",
  },
  {
    name: "other variables",
    setup: loggedIn,
    env: () => ({ PATH: "/usr/bin", CONDA_PREFIX: "/opt/conda", ANACONDA: "x" }),
    outcome: "prints",
  },
  {
    name: "a .env without ANACONDA_ settings",
    setup: async (place) => {
      await loggedIn(place);
      await Deno.writeTextFile(`${place.cwd}/.env`, "FOO=1\n");
    },
    outcome: "prints",
  },
  {
    name: "a .env that is a folder",
    setup: async (place) => {
      await loggedIn(place);
      await Deno.mkdir(`${place.cwd}/.env`);
    },
    outcome: "prints",
  },
  {
    name: "other services and domains in the keyring",
    setup: async (place) => {
      await writeKeyring(place, { "anaconda.com": record(VALID), "x.test": record(OTHER_VALID) });
      const path = `${place.home}/.anaconda/keyring`;
      const keyring = JSON.parse(await Deno.readTextFile(path));
      await Deno.writeTextFile(path, JSON.stringify({ Other: { a: "b" }, ...keyring }));
    },
    outcome: "prints",
  },
  { name: "no keyring", setup: () => Promise.resolve(), outcome: "must defer" },
  {
    name: "a keyring without the site's entry",
    setup: (place) => writeKeyring(place, { "x.test": record(VALID) }),
    outcome: "must defer",
  },
  {
    name: "a key under a legacy domain (the full command migrates it)",
    setup: (place) => writeKeyring(place, { "anaconda.cloud": record(VALID) }),
    outcome: "must defer",
  },
  {
    name: "a corrupt keyring (the full command moves it aside)",
    setup: async (place) => {
      await Deno.mkdir(`${place.home}/.anaconda`, { mode: 0o700 });
      await Deno.writeTextFile(`${place.home}/.anaconda/keyring`, '{"Anaconda Cloud": ');
    },
    outcome: "must defer",
  },
  {
    name: "a keyring that is a folder",
    setup: (place) => Deno.mkdir(`${place.home}/.anaconda/keyring`, { recursive: true }),
    outcome: "must defer",
  },
  {
    name: "an entry of another shape",
    setup: async (place) => {
      await Deno.mkdir(`${place.home}/.anaconda`, { mode: 0o700 });
      await Deno.writeTextFile(
        `${place.home}/.anaconda/keyring`,
        '{"Anaconda Cloud": {"anaconda.com": 5}}',
      );
    },
    outcome: "must defer",
  },
  {
    name: "a record that is not base64",
    setup: (place) => writeKeyring(place, { "anaconda.com": "not base64!" }),
    outcome: "must defer",
  },
  {
    name: "a record without a key",
    setup: (place) => writeKeyring(place, { "anaconda.com": record(null) }),
    outcome: "must defer",
  },
  {
    name: "an expired key",
    setup: (place) =>
      writeKeyring(place, { "anaconda.com": record(makeJwt({ exp: NOW / 1000 - 1 })) }),
    outcome: "must defer",
  },
  {
    name: "a key that is not a JWT",
    setup: (place) => writeKeyring(place, { "anaconda.com": record("opaque-key") }),
    outcome: "must defer",
  },
  {
    name: "a config.toml, even empty",
    setup: async (place) => {
      await loggedIn(place);
      await Deno.writeTextFile(`${place.home}/.anaconda/config.toml`, "");
    },
    outcome: "defers",
  },
  {
    name: "a config.toml named by ANACONDA_CONFIG_TOML",
    setup: async (place) => {
      await loggedIn(place);
      await Deno.writeTextFile(`${place.home}/settings.toml`, "");
    },
    env: () => ({ ANACONDA_CONFIG_TOML: "~/settings.toml" }),
    outcome: "defers",
  },
  {
    name: "ANACONDA_AUTH_API_KEY",
    setup: loggedIn,
    env: () => ({ ANACONDA_AUTH_API_KEY: OTHER_VALID }),
    outcome: "must defer",
  },
  {
    name: "anaconda_auth_domain in lower case",
    setup: loggedIn,
    env: () => ({ anaconda_auth_domain: "x.test" }),
    outcome: "must defer",
  },
  {
    name: "ANACONDA_CLOUD_API_KEY (legacy)",
    setup: loggedIn,
    env: () => ({ ANACONDA_CLOUD_API_KEY: OTHER_VALID }),
    outcome: "must defer",
  },
  {
    name: "ANACONDA_DEFAULT_SITE",
    setup: loggedIn,
    env: () => ({ ANACONDA_DEFAULT_SITE: "anaconda.com" }),
    outcome: "defers",
  },
  {
    name: "ANACONDA_SITES__work__domain",
    setup: loggedIn,
    env: () => ({ ANACONDA_SITES__work__domain: "x.test" }),
    outcome: "must defer",
  },
  {
    name: "a .env with ANACONDA_AUTH_API_KEY",
    setup: async (place) => {
      await loggedIn(place);
      await Deno.writeTextFile(`${place.cwd}/.env`, `ANACONDA_AUTH_API_KEY=${OTHER_VALID}\n`);
    },
    outcome: "must defer",
  },
  {
    name: "a secret anaconda_auth_api_key",
    setup: async (place) => {
      await loggedIn(place);
      await Deno.writeTextFile(`${place.secrets}/anaconda_auth_api_key`, OTHER_VALID);
    },
    env: (place) => ({ ANACONDA_SECRETS_DIR: place.secrets }),
    outcome: "must defer",
  },
  {
    name: "a secret that cannot be read (the full command warns)",
    setup: async (place) => {
      await loggedIn(place);
      await Deno.symlink(place.home, `${place.secrets}/anaconda_note`);
    },
    env: (place) => ({ ANACONDA_SECRETS_DIR: place.secrets }),
    outcome: "must defer",
  },
];

/** Every file and folder under `root`, with the files' content and the links' targets. */
function snapshot(root: string): Record<string, string> {
  const found: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of Deno.readDirSync(dir)) {
      const path = `${dir}/${entry.name}`;
      if (entry.isSymlink) found[path] = `link ${Deno.readLinkSync(path)}`;
      else if (entry.isDirectory) {
        found[path] = "folder";
        walk(path);
      } else found[path] = Deno.readTextFileSync(path);
    }
  };
  walk(root);
  return found;
}

/** Runs `test` in a fresh place with `situation` set up. */
async function inSituation(
  situation: Situation,
  test: (place: Place, env: Record<string, string>, root: string) => Promise<void>,
): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "api-key-fast-path-" });
  const place = { home: `${root}/home`, cwd: `${root}/work`, secrets: `${root}/secrets` };
  try {
    for (const dir of Object.values(place)) await Deno.mkdir(dir);
    await situation.setup(place);
    // No real secrets folder: it defaults to /run/secrets.
    const env = { ANACONDA_SECRETS_DIR: `${root}/no-secrets`, ...situation.env?.(place) };
    await test(place, env, root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("the auth api-key fast path prints what the full command prints, or leaves it to it", async () => {
  for (const situation of SITUATIONS) {
    await inSituation(situation, async (place, env, root) => {
      const before = snapshot(root);
      const fast = fakeContext({ home: place.home, cwd: place.cwd, env, now: NOW });
      const printed = await runApiKeyFastPath(fast);
      assert.equal(printed, situation.outcome === "prints", situation.name);
      assert.equal(fast.err(), "", situation.name);
      // Nothing changed on disk, whatever it did.
      assert.deepEqual(snapshot(root), before, situation.name);
      if (!printed) {
        assert.equal(fast.out(), "", situation.name);
        return;
      }
      const full = fakeContext({ home: place.home, cwd: place.cwd, env, now: NOW });
      assert.equal(await run(["auth", "api-key"], full), 0, situation.name);
      assert.equal(fast.out(), full.out(), situation.name);
      assert.equal(full.err(), "", situation.name);
    });
  }
});

Deno.test("where the auth api-key fast path must defer, the full command does more than print the stored key", async () => {
  for (const situation of SITUATIONS.filter((one) => one.outcome === "must defer")) {
    await inSituation(situation, async (place, env, root) => {
      const before = snapshot(root);
      const full = fakeContext({ home: place.home, cwd: place.cwd, env, now: NOW });
      const code = await run(["auth", "api-key"], full);
      const onlyTheStoredKey = code === 0 && full.err() === "" && full.out() === `${VALID}\n` &&
        JSON.stringify(snapshot(root)) === JSON.stringify(before);
      assert.equal(onlyTheStoredKey, false, situation.name);
    });
  }
});
