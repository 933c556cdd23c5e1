/**
 * OIDC discovery, the token endpoint and the device flow (RFC 8628) of the stand-in
 * service, with approve/deny controls (`POST /dev/approve|deny[?user_code=]`) and a
 * verification page at `/device`.
 * @module
 */
import { randomToken } from "./credentials.ts";
import type { LoggedRequest, Route, Service } from "./service.ts";
import { apiError, escapeHtml, html, json, oauthError } from "./service.ts";

/** How device codes get approved. */
export type DeviceApproval =
  /** Only by `approve()` / `POST /dev/approve`. */
  | "manual"
  /** When the verification page (`verification_uri_complete`) is opened. */
  | "on-visit"
  /** At once: the first poll gets the tokens. */
  | "immediate"
  /** Denied at once: the first poll gets `access_denied`. */
  | "deny";

export interface DeviceFlowOptions {
  /** Leave `device_authorization_endpoint` out of discovery (the browser-flow fallback, D28). */
  noDeviceEndpoint?: boolean;
  /** Leave `verification_uri_complete` out of device authorizations (D30). */
  noVerificationUriComplete?: boolean;
  /**
   * Advertise `authorization_response_iss_parameter_supported` and add `iss` to the
   * `/authorize` redirect (D31); `"wrong"` sends a wrong issuer.
   */
  issParameter?: boolean | "wrong";
  deviceApproval?: DeviceApproval;
  /** Approve a device code by itself after this many `authorization_pending` polls. */
  approveAfterPolls?: number;
  /** The first N polls of each device code get `slow_down`. */
  slowDowns?: number;
  /** `expires_in` of device codes, seconds (default 600). */
  deviceExpiresIn?: number;
  /** `interval` of device codes, seconds (default 5). */
  interval?: number;
}

export interface DeviceCodeState {
  deviceCode: string;
  userCode: string;
  clientId: string;
  scope: string;
  expiresAt: number;
  status: "pending" | "approved" | "denied" | "used";
  polls: number;
  slowDownsLeft: number;
}

/** A grant type's handler at the token endpoint, given the posted form. */
export type Grant = (form: Record<string, string>) => Response | Promise<Response>;

export interface DeviceFlowControls {
  deviceCodes: Map<string, DeviceCodeState>;
  /** Approves the device code with this user code (default: the newest pending one). */
  approve(userCode?: string): void;
  deny(userCode?: string): void;
  /** Makes the device code expire now. */
  expire(userCode?: string): void;
  /** Resolves with the user code of the next (or a pending) device authorization. */
  waitForUserCode(options?: { timeoutMs?: number }): Promise<string>;
}

const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
const USER_CODE_LETTERS = "BCDFGHJKLMNPQRSTVWXZ";

function randomUserCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  const letters = [...bytes].map((byte) => USER_CODE_LETTERS[byte % USER_CODE_LETTERS.length]);
  return `${letters.slice(0, 4).join("")}-${letters.slice(4).join("")}`;
}

/** The discovery document (also served for the anaconda.org API). */
export function discoveryDocument(url: string, settings: DeviceFlowOptions): unknown {
  return {
    issuer: url,
    authorization_endpoint: `${url}/authorize`,
    token_endpoint: `${url}/api/auth/oauth2/token`,
    ...(settings.noDeviceEndpoint
      ? {}
      : { device_authorization_endpoint: `${url}/api/auth/oauth2/device/authorize` }),
    userinfo_endpoint: `${url}/api/auth/oauth2/userinfo`,
    response_types_supported: ["code"],
    grant_types_supported: ["authorization_code", DEVICE_GRANT],
    code_challenge_methods_supported: ["S256"],
    ...(settings.issParameter ? { authorization_response_iss_parameter_supported: true } : {}),
  };
}

export function deviceFlow(
  service: Service,
  settings: DeviceFlowOptions,
  otherGrants: Record<string, Grant>,
): { routes: Route[]; controls: DeviceFlowControls } {
  const deviceCodes = new Map<string, DeviceCodeState>();
  const deviceListeners = new Set<(state: DeviceCodeState) => void>();

  function findDeviceCode(userCode?: string): DeviceCodeState {
    const states = [...deviceCodes.values()];
    const state = userCode === undefined
      ? states.filter((candidate) => candidate.status === "pending").at(-1)
      : states.find((candidate) => candidate.userCode === userCode.toUpperCase());
    if (!state) {
      throw new Error(
        userCode === undefined ? "No pending device code" : `Unknown user code ${userCode}`,
      );
    }
    return state;
  }

  function deviceAuthorization(logged: LoggedRequest): Response {
    if (settings.noDeviceEndpoint) return apiError(404, "not_found", "No device endpoint");
    const form = logged.form ?? {};
    if (!form.client_id) return oauthError(400, "invalid_client", "client_id is required");
    const userCode = randomUserCode();
    const expiresIn = settings.deviceExpiresIn ?? 600;
    const state: DeviceCodeState = {
      deviceCode: randomToken(),
      userCode,
      clientId: form.client_id,
      scope: form.scope ?? "",
      expiresAt: service.now() + expiresIn * 1000,
      status: settings.deviceApproval === "immediate"
        ? "approved"
        : settings.deviceApproval === "deny"
        ? "denied"
        : "pending",
      polls: 0,
      slowDownsLeft: settings.slowDowns ?? 0,
    };
    deviceCodes.set(state.deviceCode, state);
    for (const listener of [...deviceListeners]) listener(state);
    const verificationUri = `${service.url}/device`;
    return json(200, {
      device_code: state.deviceCode,
      user_code: userCode,
      verification_uri: verificationUri,
      ...(settings.noVerificationUriComplete
        ? {}
        : { verification_uri_complete: `${verificationUri}?user_code=${userCode}` }),
      expires_in: expiresIn,
      interval: settings.interval ?? 5,
    });
  }

  function devicePage(logged: LoggedRequest): Response {
    const userCode = logged.query.user_code;
    if (!userCode) {
      return html(
        200,
        '<form method="get"><label>Code <input name="user_code"></label><button>Next</button></form>',
      );
    }
    let state: DeviceCodeState;
    try {
      state = findDeviceCode(userCode);
    } catch {
      return html(404, `<p>Unknown code ${escapeHtml(userCode)}</p>`);
    }
    if (settings.deviceApproval === "on-visit" && state.status === "pending") {
      state.status = "approved";
    }
    if (state.status === "approved") {
      return html(200, "<p>Device approved. Return to your terminal.</p>");
    }
    const code = escapeHtml(state.userCode);
    return html(
      200,
      `<p>Allow the device with code <b>${code}</b>?</p>` +
        `<form method="post" action="/dev/approve?user_code=${code}"><button>Approve</button></form>` +
        `<form method="post" action="/dev/deny?user_code=${code}"><button>Deny</button></form>`,
    );
  }

  function devicePoll(form: Record<string, string>): Response | Promise<Response> {
    const state = deviceCodes.get(form.device_code ?? "");
    if (!state || state.status === "used") {
      return oauthError(400, "invalid_grant", "Unknown or used device code");
    }
    if (form.client_id !== undefined && form.client_id !== state.clientId) {
      return oauthError(400, "invalid_client", "client_id does not match the device code");
    }
    state.polls++;
    if (service.now() >= state.expiresAt) return oauthError(400, "expired_token");
    if (state.status === "denied") return oauthError(400, "access_denied");
    if (state.slowDownsLeft > 0) {
      state.slowDownsLeft--;
      return oauthError(400, "slow_down");
    }
    if (state.status === "pending") {
      const after = settings.approveAfterPolls;
      if (after === undefined || state.polls <= after) {
        return oauthError(400, "authorization_pending");
      }
      state.status = "approved";
    }
    state.status = "used";
    return service.credentials.tokenResponse(state.clientId, state.scope);
  }

  const grants = new Map<string, Grant>([...Object.entries(otherGrants), [
    DEVICE_GRANT,
    devicePoll,
  ]]);

  function control(logged: LoggedRequest, action: "approved" | "denied"): Response {
    const userCode = logged.query.user_code ?? logged.form?.user_code;
    try {
      const state = findDeviceCode(userCode || undefined);
      if (state.status === "pending") state.status = action;
      return json(200, { user_code: state.userCode, status: state.status });
    } catch (err) {
      return apiError(404, "not_found", (err as Error).message);
    }
  }

  function waitForUserCode(options: { timeoutMs?: number } = {}): Promise<string> {
    const pending = [...deviceCodes.values()].filter((state) => state.status === "pending");
    const last = pending.at(-1);
    if (last) return Promise.resolve(last.userCode);
    const timeoutMs = options.timeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
      const listener = (state: DeviceCodeState) => {
        if (state.status !== "pending") return;
        clearTimeout(timer);
        deviceListeners.delete(listener);
        resolve(state.userCode);
      };
      const timer = setTimeout(() => {
        deviceListeners.delete(listener);
        reject(new Error(`No device authorization within ${timeoutMs} ms`));
      }, timeoutMs);
      deviceListeners.add(listener);
    });
  }

  const routes: Route[] = [
    {
      method: "GET",
      path: "/.well-known/openid-configuration",
      handle: () => json(200, discoveryDocument(service.url, settings)),
    },
    { method: "POST", path: "/api/auth/oauth2/device/authorize", handle: deviceAuthorization },
    { method: "GET", path: "/device", handle: devicePage },
    {
      method: "POST",
      path: "/api/auth/oauth2/token",
      handle: (logged) => {
        const form = logged.form ?? {};
        const grant = grants.get(form.grant_type ?? "");
        return grant ? grant(form) : oauthError(400, "unsupported_grant_type");
      },
    },
    { method: "POST", path: "/dev/approve", handle: (logged) => control(logged, "approved") },
    { method: "POST", path: "/dev/deny", handle: (logged) => control(logged, "denied") },
  ];
  const controls: DeviceFlowControls = {
    deviceCodes,
    approve(userCode) {
      findDeviceCode(userCode).status = "approved";
    },
    deny(userCode) {
      findDeviceCode(userCode).status = "denied";
    },
    expire(userCode) {
      findDeviceCode(userCode).expiresAt = service.now();
    },
    waitForUserCode,
  };
  return { routes, controls };
}
