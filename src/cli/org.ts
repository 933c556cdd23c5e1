/**
 * The CLI side of anaconda.org (`anaconda login|logout|whoami --at anaconda.org`, routed
 * here by top_level.ts): the legacy options, the prompts of the login, and the messages
 * and output; the work is src/org/'s.
 * @module
 */
import type { OrgPrompts } from "../org/login.ts";
import { escapeControl } from "../text.ts";
import type { App } from "./framework/app.ts";
import { type OptionValues, value } from "./framework/args.ts";
import type { LOGIN_OPTIONS } from "./auth/login.ts";
import { AbortError, addHint, UsageError } from "./framework/errors.ts";
import type { Prompter } from "./framework/prompt.ts";

/** The `--at` value of anaconda.org. */
const ORG = "anaconda.org";

/** The org login's questions, asked through the prompter (`--force` answers "go ahead"). */
function orgPrompts(prompter: Prompter): OrgPrompts {
  return {
    confirm: (question, defaultAnswer) =>
      prompter.confirm(question, { defaultAnswer, flagHint: "--force" }),
    ask: (question) => prompter.ask(question),
    password: (question) => prompter.password(question),
  };
}

/** anaconda-client's legacy `login` options: they mean anaconda.org (hidden). */
export const ORG_LOGIN_OPTIONS = {
  hostname: value("--hostname <hostname>"),
  username: value("--username <username>"),
  password: value("--password <password>"),
};

/** The options of the top-level `login` (the site ones and the legacy anaconda.org ones). */
export type OrgLoginOptions = OptionValues<typeof LOGIN_OPTIONS & typeof ORG_LOGIN_OPTIONS>;

/** `anaconda login --at anaconda.org`: a token from anaconda.org, stored for conda. */
export async function loginToOrg(options: OrgLoginOptions, app: App): Promise<void> {
  const { context } = app;
  if (options.withToken) {
    throw new UsageError(
      "--with-token stores an Anaconda API key; it does not apply to anaconda.org",
    );
  }
  if (options.password !== undefined) {
    context.stderr.write(
      "Warning: a password on the command line is visible to other users of this machine; " +
        "leave out --password to be asked for it\n",
    );
  }
  const [{ orgLogin }, { displayPath }] = await Promise.all([
    import("../org/login.ts"),
    import("../store/file_keyring.ts"),
  ]);
  const result = await orgLogin(context, {
    settings: await app.settings(),
    prompts: orgPrompts(app.prompter),
    hostname: options.hostname,
    username: options.username,
    password: options.password,
    force: options.force ?? false,
    sslVerify: options.sslVerify,
    site: app.globals().orgSite,
    verbose: app.globals().verbose,
  });
  if (result === null) throw new AbortError();
  context.stderr.write(
    `✓ login successful: token for ${escapeControl(result.url)} stored in ${
      displayPath(result.tokenPath, context.homeDir())
    }\n`,
  );
}

/** `anaconda logout --at anaconda.org`: revokes and removes the stored token. */
export async function logoutOfOrg(app: App): Promise<void> {
  const { context } = app;
  const [{ orgLogout }, { OrgNotLoggedInError }] = await Promise.all([
    import("../org/account.ts"),
    import("../org/errors.ts"),
  ]);
  let result;
  try {
    result = await orgLogout(context, {
      site: app.globals().orgSite,
      verbose: app.globals().verbose,
    });
  } catch (err) {
    // Nothing to log out of is not a failure (as anaconda-client): logout stays idempotent.
    if (!(err instanceof OrgNotLoggedInError)) throw err;
    context.stderr.write(`${escapeControl(err.message)}\n`);
    return;
  }
  if (result.envTokenName !== null) {
    context.stderr.write(
      `${result.envTokenName} is set and still authenticates to anaconda.org; unset it to log out completely\n`,
    );
  }
  const unknown = result.revoked ? "" : " (the server no longer knew it)";
  context.stderr.write(
    `✓ logout successful: token for ${escapeControl(result.url)} removed${unknown}\n`,
  );
}

/** `anaconda whoami --at anaconda.org`: the account (`GET /user`) as JSON, keys sorted. */
export async function whoamiOnOrg(app: App): Promise<void> {
  const { context } = app;
  const [{ orgWhoami }, { OrgNotLoggedInError }, { sortKeys, writeJson }] = await Promise.all([
    import("../org/account.ts"),
    import("../org/errors.ts"),
    import("./framework/output.ts"),
  ]);
  const { orgToken, orgSite, verbose } = app.globals();
  if (orgToken !== undefined) {
    context.stderr.write(
      "Warning: a token on the command line is visible to other users of this machine; " +
        "set BINSTAR_API_TOKEN instead\n",
    );
  }
  let result;
  try {
    result = await orgWhoami(context, { token: orgToken, site: orgSite, verbose });
  } catch (err) {
    // The next step, unless the message names it already (a refused token).
    const login = `anaconda login --at ${ORG}`;
    if (!(err instanceof OrgNotLoggedInError) || err.message.includes(login)) throw err;
    throw addHint(err, `To log in, run: ${login}`);
  }
  context.stderr.write(`Your info (${escapeControl(result.url)}):\n`);
  writeJson(context.stdout, sortKeys(result.user));
}
