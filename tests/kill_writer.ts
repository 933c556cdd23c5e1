/**
 * Test helper for the crash tests: writes one kind of file again and again, as fast as
 * it can, until it is killed. Each write stores a new numbered value, so that a reader
 * can check the file holds one of the values written, whole.
 *
 *   deno run -A tests/kill_writer.ts keyring|config|condarc|token HOME
 * @module
 */
import { denoContext } from "../src/context.ts";
import { defaultSiteConfig } from "../src/config/schema.ts";
import { modifySite } from "../src/config/sites_model.ts";
import { updateSites } from "../src/config/sites_update.ts";
import { defaultChannelsEdits } from "../src/conda/conda_settings.ts";
import { updateCondarc } from "../src/conda/condarc_file.ts";
import { saveToken } from "../src/token/tokens.ts";
import { setTokenFile, tokenDirectory } from "../src/conda/token_files.ts";
import { newTokenInfo } from "../src/token/token_info.ts";

const [kind, home] = Deno.args;
if (!home) throw new Error("usage: kill_writer.ts keyring|config|condarc|token HOME");
const context = denoContext();

/** The value of write number `n`. */
export function writtenValue(n: number): string {
  return `value-${n}-${"x".repeat(n % 200)}`;
}

for (let n = 0;; n++) {
  if (kind === "keyring") {
    const config = { site: "a.test", ...defaultSiteConfig(home), domain: "a.test" };
    await saveToken(context, config, { ...newTokenInfo("a.test"), api_key: writtenValue(n) });
  } else if (kind === "config") {
    await updateSites(`${home}/.anaconda/config.toml`, (file) =>
      modifySite(file, {
        query: "work",
        values: { client_cert: writtenValue(n) },
        makeDefault: false,
        homeDir: home,
      }), Date.now());
  } else if (kind === "condarc") {
    // As `anaconda token config` does, with a repository URL that changes every write.
    const repo = `https://${writtenValue(n)}.example/repo/`;
    await updateCondarc(
      { ...context, homeDir: () => home },
      `${home}/.condarc`,
      (current) => defaultChannelsEdits(current.settings, repo),
    );
  } else if (kind === "token") {
    // conda's token file, as `anaconda token set/install` writes it.
    await setTokenFile(tokenDirectory(context), "https://repo.example/repo/", writtenValue(n));
  } else {
    throw new Error(`unknown kind ${kind}`);
  }
}
