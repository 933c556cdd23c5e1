/**
 * Errors of the login flows, named like the Python tool's so messages match.
 * @module
 */
import { AnacondaError } from "../errors.ts";

/** A login step failed: discovery, the browser flow, or the API-key exchange. */
export class AuthenticationError extends AnacondaError {
  /** The name printed before the message. */
  override name = "AuthenticationError";
}

/** The device authorization request or a token poll failed. */
export class DeviceFlowError extends AuthenticationError {
  /** The name printed before the message. */
  override name = "DeviceFlowError";
}

/** The user denied the device authorization request. */
export class DeviceFlowDenied extends DeviceFlowError {
  /** The name printed before the message. */
  override name = "DeviceFlowDenied";
}

/** The device code expired before the user approved it. */
export class DeviceFlowTimeout extends DeviceFlowError {
  /** The name printed before the message. */
  override name = "DeviceFlowTimeout";
}
