/**
 * The OAuth 2.0 device authorization grant (RFC 8628; SPEC Part B §3.3, Part A A22):
 * ask for a user code, show it, open the verification page, and poll the token
 * endpoint until the user approves, denies, or the code expires.
 * @module
 */
import type { Context, NoticeHandler } from "../context.ts";
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
/** RFC 8628 §3.5: `slow_down` adds 5 s; the Python tool caps the interval at 30 s. */
const SLOW_DOWN_STEP_S = 5;
const MAX_INTERVAL_S = 30;

/** The device authorization response (RFC 8628 §3.2). */
export interface DeviceAuthorization {
  /** The code the polls send (a secret of this login). */
  device_code: string;
  /** The code the user enters on the verification page. */
  user_code: string;
  /** The page where the user enters the code. */
  verification_uri: string;
  /** Optional in RFC 8628 (A22). */
  verification_uri_complete: string | null;
  /** Seconds; the Python tool's defaults when absent: 60 and 5. */
  expires_in: number;
  /** Seconds between two polls. */
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

/** The text printed before polling (the Python tool's wording). */
export function instructions(authorization: DeviceAuthorization): string {
  return [
    "Attempting to automatically open the authorization page in your default browser.",
    "If the browser does not open or you wish to use a different device to authorize " +
    "this request, open the following URL:",
    "",
    authorization.verification_uri,
    "",
    "Then enter the code:",
    "",
    authorization.user_code,
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
  return {
    device_code: required("device_code"),
    user_code: required("user_code"),
    verification_uri: required("verification_uri"),
    verification_uri_complete: stringField(body, "verification_uri_complete") || null,
    expires_in: seconds("expires_in", 60),
    interval: seconds("interval", 5),
  };
}

/**
 * Polls the token endpoint: the first request at once, then every `interval` seconds
 * (longer after `slow_down`), until `expires_in` seconds have passed.
 */
export async function pollForToken(
  authorization: DeviceAuthorization,
  options: Omit<DeviceFlowOptions, "context"> & { context: Pick<Context, "clock"> },
  note: (line: string) => void = () => {},
): Promise<string> {
  const { clock } = options.context;
  const { signal } = options;
  const start = clock.now();
  const deadline = start + authorization.expires_in * 1000;
  let interval = authorization.interval;
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
      interval = Math.min(interval + SLOW_DOWN_STEP_S, MAX_INTERVAL_S);
      note(`The server asked to slow down: polling every ${interval} s`);
    } else if (error === "expired_token") {
      throw new DeviceFlowTimeout("Device code expired");
    } else if (error === "access_denied") {
      throw new DeviceFlowDenied("User denied authorization");
    } else {
      throw new DeviceFlowError(`Token request failed: ${oauthErrorText(body, response)}`);
    }
    await sleep(clock, interval * 1000, signal);
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
