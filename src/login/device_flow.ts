/**
 * The OAuth 2.0 device authorization grant (RFC 8628; docs/behaviour.md, "Device flow"; D30,
 * D32-D34): ask for a user code, show it, open the verification page, and poll the token
 * endpoint until the user approves, denies, or the code expires.
 * @module
 */
import type { Context, NoticeHandler } from "../context.ts";
import { escapeControl } from "../text.ts";
import type { OidcDiscovery } from "./discovery.ts";
import { DeviceFlowDenied, DeviceFlowError, DeviceFlowTimeout } from "./errors.ts";
import {
  jsonObject,
  oauthErrorText,
  postForm,
  type Send,
  stringField,
  throwIfAborted,
} from "./http.ts";

export const DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
/** RFC 8628 §3.5: `slow_down` adds 5 s; the Python tool lets that grow up to 30 s. */
const SLOW_DOWN_STEP_S = 5;
const SLOW_DOWN_CAP_S = 30;
/** RFC 8628 §3.2: the polling interval when the server names none. */
const DEFAULT_INTERVAL_S = 5;
/**
 * The interval a server may ask for is kept within these bounds: not a flood of polls
 * (0 or 1e-9), not a timer that overflows (1e12).
 */
export const MIN_INTERVAL_S = 1;
export const MAX_INTERVAL_S = 60;
/** The longest wait for an approval, whatever `expires_in` says. */
export const MAX_WAIT_S = 15 * 60;

/** The device authorization response (RFC 8628 §3.2). */
export interface DeviceAuthorization {
  /** The code the client polls with (a secret: never shown). */
  device_code: string;
  /** The code the user enters on the verification page. */
  user_code: string;
  /** The page where the user enters `user_code` (an http(s) URL). */
  verification_uri: string;
  /** The page with the code filled in (optional in RFC 8628); null when absent or not http(s). */
  verification_uri_complete: string | null;
  /** Seconds the codes are valid; 60 when absent (the Python tool's default). */
  expires_in: number;
  /** Seconds between polls as the server asked (5 when absent); polling keeps it within 1..60. */
  interval: number;
}

/** "Waiting ..." feedback while polling: a spinner in the CLI, plain notices by default. */
export interface Waiting {
  /** Shows a line while waiting (the server asked to slow down...). */
  note(line: string): void;
  /** Ends the feedback. */
  stop(): void;
}

/** How a login shows itself while the user acts; each part has a plain default. */
export interface LoginPresenter {
  /** Shows the device code and where to enter it; default: an `action` notice. */
  deviceCode?(authorization: DeviceAuthorization): void;
  /** Starts the feedback of a wait; default: `info` notices. */
  waiting?(text: string): Waiting;
}

/** `info` notices for a wait: the text once, then each note. */
export function noticeWaiting(notify: NoticeHandler, text: string): Waiting {
  notify({ level: "info", message: text });
  return { note: (line) => notify({ level: "info", message: line }), stop: () => {} };
}

export interface DeviceFlowOptions {
  context: Pick<Context, "clock" | "notify" | "openBrowser">;
  /** How the code and the wait are shown. */
  presenter?: LoginPresenter;
  send: Send;
  discovery: OidcDiscovery;
  clientId: string;
  /** Aborted on Ctrl-C: polling stops and the abort reason is thrown. */
  signal?: AbortSignal;
}

/** Runs the device flow and returns the access token. */
export async function deviceFlow(options: DeviceFlowOptions): Promise<string> {
  const authorization = await requestDeviceAuthorization(options);
  const { context, presenter } = options;
  if (presenter?.deviceCode) presenter.deviceCode(authorization);
  else context.notify({ level: "action", message: instructions(authorization).slice(0, -1) });
  const pageUrl = authorization.verification_uri_complete ?? authorization.verification_uri;
  // Not awaited: a slow browser start must not delay polling.
  context.openBrowser(pageUrl).catch(() => false);
  const text = "Waiting for authorization (CTRL-C to cancel)";
  const waiting = presenter?.waiting?.(text) ?? noticeWaiting(context.notify, text);
  try {
    return await pollForToken(authorization, options, (line) => waiting.note(line));
  } finally {
    waiting.stop();
  }
}

/**
 * The text printed before polling (the Python tool's wording). The server's strings are
 * shown with control characters escaped: they cannot retitle or clear the terminal, or
 * hide a different link behind the one shown.
 */
export function instructions(authorization: DeviceAuthorization): string {
  return [
    "Attempting to automatically open the authorization page in your default browser.",
    "If the browser does not open or you wish to use a different device to authorize " +
    "this request, open the following URL:",
    "",
    escapeControl(authorization.verification_uri),
    "",
    "Then enter the code:",
    "",
    escapeControl(authorization.user_code),
    "",
    "",
  ].join("\n");
}

/** `POST <device_authorization_endpoint>` with `client_id` and `scope=openid`. */
export async function requestDeviceAuthorization(
  options: Omit<DeviceFlowOptions, "context">,
): Promise<DeviceAuthorization> {
  const endpoint = options.discovery.device_authorization_endpoint;
  if (endpoint === null) {
    throw new DeviceFlowError("Server does not support device authorization");
  }
  let response: Response;
  try {
    response = await options.send(
      endpoint,
      postForm({ client_id: options.clientId, scope: "openid" }, options.signal),
    );
  } catch (err) {
    throwIfAborted(options.signal);
    throw err;
  }
  const body = await jsonObject(response);
  if (!response.ok) {
    throw new DeviceFlowError(
      `Device authorization request failed: ${oauthErrorText(body, response)}`,
    );
  }
  const required = (key: string): string => {
    const value = stringField(body, key);
    if (value === undefined || value === "") {
      throw new DeviceFlowError(`Device authorization request failed: the response has no ${key}`);
    }
    return value;
  };
  const seconds = (key: string, fallback: number): number => {
    const value = body?.[key];
    return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : fallback;
  };
  const verificationUri = required("verification_uri");
  if (!isWebUrl(verificationUri)) {
    throw new DeviceFlowError(
      "Device authorization request failed: the verification_uri is not an http(s) URL",
    );
  }
  // Opened in the browser: anything but a web page is ignored (the plain URI is shown).
  const complete = stringField(body, "verification_uri_complete");
  return {
    device_code: required("device_code"),
    user_code: required("user_code"),
    verification_uri: verificationUri,
    verification_uri_complete: complete && isWebUrl(complete) ? complete : null,
    expires_in: seconds("expires_in", 60),
    interval: seconds("interval", DEFAULT_INTERVAL_S),
  };
}

/** Whether `text` is an absolute http(s) URL. */
function isWebUrl(text: string): boolean {
  const url = URL.parse(text);
  return url !== null && (url.protocol === "https:" || url.protocol === "http:");
}

/** The polling interval in seconds, within `MIN_INTERVAL_S`..`MAX_INTERVAL_S`. */
function boundedInterval(seconds: number): number {
  if (!Number.isFinite(seconds)) return DEFAULT_INTERVAL_S;
  return Math.min(Math.max(seconds, MIN_INTERVAL_S), MAX_INTERVAL_S);
}

/**
 * Polls the token endpoint: the first request at once, then every `interval` seconds
 * (kept within 1..60 s; longer after `slow_down`), until `expires_in` seconds, at most
 * 15 minutes, have passed.
 */
export async function pollForToken(
  authorization: DeviceAuthorization,
  options: Omit<DeviceFlowOptions, "context"> & { context: Pick<Context, "clock"> },
  note: (line: string) => void = () => {},
): Promise<string> {
  const { clock } = options.context;
  const { signal } = options;
  const start = clock.now();
  const expiresIn = Number.isFinite(authorization.expires_in) ? authorization.expires_in : 0;
  const deadline = start + Math.min(Math.max(expiresIn, 0), MAX_WAIT_S) * 1000;
  let interval = boundedInterval(authorization.interval);
  const form = {
    grant_type: DEVICE_CODE_GRANT,
    device_code: authorization.device_code,
    client_id: options.clientId,
  };
  while (clock.now() < deadline) {
    throwIfAborted(signal);
    let response: Response;
    try {
      response = await options.send(options.discovery.token_endpoint, postForm(form, signal));
    } catch (err) {
      throwIfAborted(signal);
      throw err;
    }
    const body = await jsonObject(response);
    if (response.status === 200) {
      const token = stringField(body, "access_token");
      if (!token) {
        throw new DeviceFlowError("Token request failed: the response has no access_token");
      }
      return token;
    }
    const error = stringField(body, "error");
    if (error === "authorization_pending") {
      // Keep waiting.
    } else if (error === "slow_down") {
      // Never faster than before, never beyond the bound.
      interval = Math.max(interval, Math.min(interval + SLOW_DOWN_STEP_S, SLOW_DOWN_CAP_S));
      note(`The server asked to slow down: polling every ${interval} s`);
    } else if (error === "expired_token") {
      throw new DeviceFlowTimeout("Device code expired");
    } else if (error === "access_denied") {
      throw new DeviceFlowDenied("User denied authorization");
    } else {
      throw new DeviceFlowError(`Token request failed: ${oauthErrorText(body, response)}`);
    }
    // The last wait ends at the deadline, not after it.
    const left = deadline - clock.now();
    if (left <= 0) break;
    await sleep(clock, Math.min(interval * 1000, left), signal);
  }
  throw new DeviceFlowTimeout("Device authorization timed out");
}

async function sleep(
  clock: Context["clock"],
  ms: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  try {
    await clock.sleep(ms, signal);
  } catch (err) {
    throwIfAborted(signal);
    throw err;
  }
  throwIfAborted(signal);
}
