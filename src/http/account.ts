/**
 * The account of `GET /api/account` (docs/behaviour.md, "HTTP client", Account): checked for
 * the shape this tool relies on, with the site's `domain` added as the Python tool's
 * `Client.account` does.
 * @module
 */
import { UnexpectedResponseError } from "./errors.ts";
import { isJsonObject, requireJsonObject } from "./json.ts";

/** The account document: `user`, `profile`, `subscriptions`, and the site's `domain`. */
export interface Account {
  /** The user: `id`, `email`, `username`, `first_name`, `last_name`. */
  user: Record<string, unknown>;
  /** The site's domain (added by the client, as the Python tool does). */
  domain: string;
  /** Everything else the service returns (`profile`, `subscriptions`...). */
  [key: string]: unknown;
}

/**
 * What the Python tool returns when `/api/account` fails and no API key was sent (an
 * anonymous user), with the domain added like every account.
 */
export function anonymousAccount(domain: string): Account {
  return {
    user: { id: null, email: null, username: "", first_name: "", last_name: "" },
    profile: { is_confirmed: false, is_disabled: false, is_consented: false },
    subscriptions: [],
    domain,
  };
}

/** The fields whose type is checked when present, and what they must be. */
const FIELD_SHAPES: [string, (value: unknown) => boolean, string][] = [
  ["profile", isJsonObject, "an object"],
  ["subscriptions", Array.isArray, "a list"],
];

/** `value` (the parsed body from `url`) as an `Account` of `domain`; a wrong shape is an error. */
export function toAccount(value: unknown, url: string, domain: string): Account {
  const account = requireJsonObject(value, url);
  const notAccount = (detail: string) =>
    new UnexpectedResponseError(url, `is not an account: ${detail}`);
  const { user } = account;
  if (user === undefined) throw notAccount('it has no "user"');
  if (!isJsonObject(user)) throw notAccount('"user" is not an object');
  for (const [field, check, shape] of FIELD_SHAPES) {
    if (field in account && !check(account[field])) {
      throw notAccount(`"${field}" is not ${shape}`);
    }
  }
  return { ...account, user, domain };
}
