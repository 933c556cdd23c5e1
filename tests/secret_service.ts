/**
 * Whether the real Secret Service and Python keyring are there, for the tests that need
 * them (checked once, when this module is imported).
 * @module
 */
import assert from "node:assert/strict";
import { PYTHON } from "./token_support.ts";

async function commandWorks(program: string, args: string[], env: Record<string, string>) {
  try {
    const output = await new Deno.Command(program, {
      args,
      env,
      stdout: "null",
      stderr: "null",
    }).output();
    return output.success;
  } catch {
    return false;
  }
}

/**
 * Whether a Secret Service answers on `DBUS_SESSION_BUS_ADDRESS` (see
 * scripts/keyring_session.sh). Tests that need it are ignored when it does not, unless
 * CI=true, where they run (and fail).
 */
export const SECRET_SERVICE: { address: string | undefined; available: boolean; ignore: boolean } =
  await (async () => {
    const address = Deno.env.get("DBUS_SESSION_BUS_ADDRESS");
    const available = address !== undefined &&
      await commandWorks("dbus-send", [
        "--session",
        "--print-reply",
        "--dest=org.freedesktop.DBus",
        "/org/freedesktop/DBus",
        "org.freedesktop.DBus.GetConnectionUnixProcessID",
        "string:org.freedesktop.secrets",
      ], { DBUS_SESSION_BUS_ADDRESS: address });
    const ci = Deno.env.get("CI") === "true";
    return { address, available, ignore: !available && !ci };
  })();

/** Whether /usr/bin/python3 has the keyring package (for interop tests). */
export const PYTHON_KEYRING: boolean = await commandWorks(PYTHON, [
  "-c",
  "import keyring, keyring.backends.SecretService",
], {});

/** In a test that needs the Secret Service (and is not ignored): fail, saying how to start one. */
export function assertSecretService(): void {
  assert.ok(
    SECRET_SERVICE.available,
    'no Secret Service: eval "$(scripts/keyring_session.sh start)"',
  );
}
