/**
 * Repo tokens (docs/behaviour.md, "The repo-token API", "Repository and validation"): the
 * organization token API (`GET|PUT /api/organizations/<org>/ce/current-token`, Bearer API key)
 * and a conda repository that mirrors `https://repo.anaconda.cloud/repo/` as `<server
 * url>/repo/`, and again as `<server url>/conda/repo/` (a repository URL with a path, as
 * on-prem installs have). conda puts the token right after host[:port], whatever the path:
 * `HEAD /t/<token>/repo/main/noarch/repodata.json` (or `/t/<token>/conda/repo/...`) is 200 for
 * a live token this server issued and 403 otherwise.
 * @module
 */
import { type Organization, organizationsOf } from "./account.ts";
import type { AccountOptions } from "./account.ts";
import { randomToken } from "./credentials.ts";
import type { LoggedRequest, Route, Service } from "./service.ts";
import { apiError, authorization, authRequired, decodePathSegment, json } from "./service.ts";

export interface RepoTokenOptions {
  /** The value of each issued token (default: random, URL-safe); e.g. one that needs quoting. */
  makeRepoToken?: (org: string) => string;
  /** `expires_at` of issued tokens (default: one year from now, `YYYY-MM-DDTHH:MM:SS`, UTC). */
  repoTokenExpiresAt?: string;
}

export interface RepoToken {
  id: string;
  org: string;
  token: string;
  /** `YYYY-MM-DDTHH:MM:SS`, UTC. */
  expiresAt: string;
  revoked: boolean;
}

export interface RepoControls {
  /** `<server url>/repo/`: the `REPO_URL` (`CONDA_TOKEN_REPO_URL`) of this server. */
  readonly url: string;
  /** Every issued token, oldest first. */
  tokens: RepoToken[];
  /** Issues a token for `org` as a PUT would (revoking the org's previous one). */
  issue(org: string, options?: { token?: string }): RepoToken;
  /** Makes `token` invalid: the repository answers 403 to it from now on. */
  revoke(token: string): void;
}

const ONE_YEAR_MS = 365 * 24 * 3600 * 1000;
const TOKEN_PATH = /^\/api\/organizations\/([^/]+)\/ce\/current-token$/;

/** `2025-01-01T00:00:00`: the API's timestamp format (UTC, no zone, no fraction). */
function apiTimestamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

export function repoTokens(
  service: Service,
  settings: RepoTokenOptions & AccountOptions,
): { routes: Route[]; controls: RepoControls } {
  const tokens: RepoToken[] = [];

  function current(org: string): RepoToken | undefined {
    return tokens.findLast((entry) => entry.org === org && !entry.revoked);
  }

  function issue(org: string, options: { token?: string } = {}): RepoToken {
    for (const entry of tokens) if (entry.org === org) entry.revoked = true;
    const entry: RepoToken = {
      id: crypto.randomUUID(),
      org,
      token: options.token ?? settings.makeRepoToken?.(org) ?? randomToken(),
      expiresAt: settings.repoTokenExpiresAt ?? apiTimestamp(service.now() + ONE_YEAR_MS),
      revoked: false,
    };
    tokens.push(entry);
    return entry;
  }

  function isLive(token: string): boolean {
    const entry = tokens.find((candidate) => candidate.token === token);
    return entry !== undefined && !entry.revoked &&
      Date.parse(`${entry.expiresAt}Z`) > service.now();
  }

  /** The user's organization named in the path, after the API-key check. */
  async function organization(
    logged: LoggedRequest,
    segment: string | undefined,
  ): Promise<Organization | Response> {
    if (!await service.credentials.apiKeyClaims(logged)) return authRequired();
    const name = decodePathSegment(segment ?? "") ?? "";
    const org = organizationsOf(settings).find((candidate) => candidate.name === name);
    return org ?? apiError(403, "forbidden", `Not a member of the organization ${name}`);
  }

  async function getCurrent(logged: LoggedRequest, [name]: string[]): Promise<Response> {
    const org = await organization(logged, name);
    if (org instanceof Response) return org;
    const entry = current(org.name);
    return entry
      ? json(200, { id: entry.id, expires_at: entry.expiresAt })
      : apiError(404, "not_found", `No token for the organization ${org.name}`);
  }

  async function putCurrent(logged: LoggedRequest, [name]: string[]): Promise<Response> {
    const org = await organization(logged, name);
    if (org instanceof Response) return org;
    if ((logged.json as { confirm?: unknown } | undefined)?.confirm !== "yes") {
      return apiError(400, "confirmation_required", 'Send {"confirm": "yes"} to issue a token');
    }
    const entry = issue(org.name);
    return json(200, { token: entry.token, expires_at: entry.expiresAt });
  }

  /** A file of the repository, for the token in the path or an `Authorization: token` header. */
  function repository(token: string | null, file: string): Response {
    if (token === null || !isLive(token)) {
      return apiError(403, "forbidden", "Invalid, expired or revoked token");
    }
    const subdir = /(?:^|\/)([^/]+)\/repodata\.json$/.exec(file)?.[1];
    if (subdir === undefined) return apiError(404, "not_found", `No file ${file}`);
    return json(200, { info: { subdir }, packages: {}, "packages.conda": {} });
  }

  const withTokenInPath = (_logged: LoggedRequest, [token, file]: string[]) =>
    repository(decodePathSegment(token ?? ""), file ?? "");
  const withTokenHeader = (logged: LoggedRequest, [file]: string[]) =>
    repository(authorization(logged, "token"), file ?? "");

  const routes: Route[] = [
    { method: "GET", path: TOKEN_PATH, handle: getCurrent },
    { method: "PUT", path: TOKEN_PATH, handle: putCurrent },
    ...["HEAD", "GET"].flatMap((method) => [
      { method, path: /^\/t\/([^/]+)\/(?:conda\/)?repo\/(.+)$/, handle: withTokenInPath },
      { method, path: /^\/(?:conda\/)?repo\/(.+)$/, handle: withTokenHeader },
    ]),
  ];
  const controls: RepoControls = {
    get url() {
      return `${service.url}/repo/`;
    },
    tokens,
    issue,
    revoke(token) {
      const entry = tokens.find((candidate) => candidate.token === token);
      if (!entry) throw new Error("Unknown repo token");
      entry.revoked = true;
    },
  };
  return { routes, controls };
}
