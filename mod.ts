/**
 * anaconda-auth for TypeScript: log in to Anaconda sites, read the API key the CLI (or
 * the Python `anaconda-auth`) stored, and call Anaconda APIs with it.
 *
 * @example
 * ```ts
 * import { Client, isLoggedIn, login } from "./mod.ts";
 *
 * if (!await isLoggedIn()) await login();
 * const client = new Client();
 * try {
 *   const account = await client.account();
 *   console.log(account.user.email);
 * } finally {
 *   client.close();
 * }
 * ```
 * @module
 */
export {
  Client,
  type ClientOptions,
  getApiKey,
  isLoggedIn,
  loadConfig,
  login,
  type LoginOptions,
  logout,
  type SiteOptions,
} from "./src/login/library.ts";
export type { DeviceAuthorization } from "./src/login/device_flow.ts";
export {
  CHECK_IDS,
  type CheckId,
  type CheckResult,
  type CheckStatus,
  diagnose,
  type DiagnoseOptions,
  type Diagnosis,
} from "./src/doctor/mod.ts";
export type { Account } from "./src/http/account.ts";
export type { RequestOptions } from "./src/http/client.ts";
export {
  type InlineKeyring,
  type SiteConfig,
  TOKEN_STORAGES,
  type TokenStorage,
} from "./src/config/schema.ts";
export {
  type Clock,
  type Context,
  denoContext,
  type DenoContextOptions,
  type Input,
  type Notice,
  type NoticeHandler,
  type NoticeLevel,
  type Output,
  RunCache,
  type SpawnOptions,
  type SpawnResult,
} from "./src/context.ts";
export {
  AnacondaError,
  ConfigError,
  InterruptedError,
  LoginRequiredError,
  StoreError,
  TokenExpiredError,
  TokenNotFoundError,
  TomlSyntaxError,
  UnknownSiteError,
} from "./src/errors.ts";
export {
  AuthenticationMissingError,
  AuthRequiredError,
  HttpError,
  InsecureHttpError,
  InvalidAuthenticationError,
  NetworkError,
  type NetworkFailure,
  UnexpectedResponseError,
} from "./src/http/errors.ts";
export {
  AuthenticationError,
  DeviceFlowDenied,
  DeviceFlowError,
  DeviceFlowTimeout,
} from "./src/login/errors.ts";
