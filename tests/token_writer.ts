/**
 * Test helper: saves token records through `saveToken`, as a login would, in its own
 * process. The API key comes on stdin (never on the command line).
 *
 *   deno run -A tests/token_writer.ts --storage anaconda-keyring|system \
 *     --keyring-path PATH DOMAIN... < api-key
 * @module
 */
import { denoContext } from "../src/context.ts";
import { defaultSiteConfig, type TokenStorage } from "../src/config/schema.ts";
import { saveToken } from "../src/token/tokens.ts";
import { newTokenInfo } from "../src/token/token_info.ts";

const args = [...Deno.args];
let storage: TokenStorage = "anaconda-keyring";
let keyringPath: string | undefined;
const domains: string[] = [];
while (args.length > 0) {
  const arg = args.shift()!;
  if (arg === "--storage") storage = args.shift() as TokenStorage;
  else if (arg === "--keyring-path") keyringPath = args.shift();
  else domains.push(arg);
}
const context = denoContext();
const apiKey = (await context.stdin.readAll()).trim();
for (const domain of domains) {
  const config = {
    site: domain,
    ...defaultSiteConfig(context.homeDir()),
    domain,
    preferred_token_storage: storage,
    ...(keyringPath === undefined ? {} : { keyring_path: keyringPath }),
  };
  const where = await saveToken(context, config, {
    ...newTokenInfo(domain),
    api_key: apiKey,
    username: `user-of-${domain}`,
  });
  console.log(`${domain} ${where}`);
}
