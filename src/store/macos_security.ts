/**
 * The macOS login keychain through `/usr/bin/security`, with the layout of Python keyring's
 * macOS backend (service `Anaconda Cloud`, account = domain, raw UTF-8 value). Writes go
 * through `security -i` with the command on stdin, so the secret is never on a command line
 * (docs/behaviour.md, "System keyrings"; D19).
 * @module
 */
import type { Context, SpawnResult } from "../context.ts";
import { StoreError } from "../errors.ts";
import { KeyringTool } from "./keyring_tool.ts";
import { type SecretStore, StoreUnavailableError } from "./secret_store.ts";

const PROGRAM = "/usr/bin/security";
const NAME = "macOS keychain";
/** `errSecItemNotFound` as an exit code. */
const NOT_FOUND = 44;
/** `errSecInteractionNotAllowed` (-25308) as an exit code: no GUI to ask in (SSH). */
const INTERACTION_NOT_ALLOWED = 36;
/**
 * Milliseconds `security` may take. Every operation can show the keychain's access
 * dialog (the first time one tool reads, updates or deletes an item the other tool
 * created), and the user needs time to read it and click "Always Allow".
 */
export const MACOS_TIMEOUT_MS = 120_000;
/** Deleting stops after this many matching items (each run deletes one). */
const MAX_DELETES = 100;
/** `security -i` reads lines into a 4096-byte buffer (with the newline). */
export const MAX_LINE_BYTES = 4095;

/** A value quoted for the `security -i` command line parser. */
export function quoteArgument(value: string): string {
  return `"${value.replace(/[\\"]/g, (char) => `\\${char}`)}"`;
}

/** The stdin line that stores a secret (with its final newline). */
export function addPasswordLine(service: string, account: string, secret: string): string {
  for (const value of [service, account, secret]) {
    // `security -i` reads lines with C strings: a NUL would cut the value short.
    if (/[\r\n\0]/.test(value)) {
      throw new StoreUnavailableError(
        `the ${NAME} cannot store a value with a line break or a NUL character`,
        { perSecret: true },
      );
    }
  }
  const line = `add-generic-password -U -s ${quoteArgument(service)} -a ${
    quoteArgument(account)
  } -w ${quoteArgument(secret)}`;
  if (new TextEncoder().encode(line).length > MAX_LINE_BYTES) {
    throw new StoreUnavailableError(
      `the secret is too large for the ${NAME} (command line over ${MAX_LINE_BYTES} bytes)`,
      { perSecret: true },
    );
  }
  return `${line}\n`;
}

/**
 * The value printed by `find-generic-password -w` (without its newline): `security`
 * prints the value as is, or, when a byte is not printable ASCII, as lowercase hex.
 */
export function decodePasswordOutput(stdout: string): string {
  const text = stdout.endsWith("\n") ? stdout.slice(0, -1) : stdout;
  if (text.length === 0 || text.length % 2 !== 0 || !/^[0-9a-f]+$/.test(text)) return text;
  const bytes = new Uint8Array(text.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
  // Hex only stands for bytes that would not have been printed as they are.
  if (bytes.every((byte) => byte >= 0x20 && byte < 0x7f)) return text;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return text;
  }
}

/** The login keychain via `/usr/bin/security`. */
export class MacosSecurityStore implements SecretStore {
  readonly label = NAME;
  #tool: KeyringTool;

  constructor(context: Pick<Context, "spawn">, options: { timeoutMs?: number } = {}) {
    this.#tool = new KeyringTool(context, {
      program: PROGRAM,
      name: NAME,
      timeoutMs: MACOS_TIMEOUT_MS,
      ...options,
      missing: `${PROGRAM} is missing`,
      notExecutable: `${PROGRAM} is missing`,
      waitingFor: 'its access dialog, which "Always Allow" answers for good',
    });
  }

  #failure(action: string, result: SpawnResult): StoreError {
    if (
      result.code === INTERACTION_NOT_ALLOWED ||
      /User interaction is not allowed/.test(result.stderr)
    ) {
      return new StoreError(
        `The ${NAME} could not ${action}: it needs to ask for permission, and cannot in ` +
          "this session (User interaction is not allowed: no desktop, e.g. over SSH). " +
          "Unlock it here with `security unlock-keychain`, or allow the access once from a " +
          'desktop session ("Always Allow"), or set preferred_token_storage = "anaconda-keyring"',
      );
    }
    const message = result.stderr.trim().split("\n")[0]?.replace(/^security:\s*/, "") ?? "";
    return new StoreError(
      `The ${NAME} could not ${action}: ${message || `security exited with ${result.code}`}`,
    );
  }

  async get(service: string, account: string): Promise<string | null> {
    const result = await this.#tool.run([
      "find-generic-password",
      "-s",
      service,
      "-a",
      account,
      "-w",
    ]);
    if (result.code === NOT_FOUND) return null;
    if (result.code !== 0) throw this.#failure("read the secret", result);
    return decodePasswordOutput(result.stdout);
  }

  async set(service: string, account: string, secret: string): Promise<string> {
    const line = addPasswordLine(service, account, secret);
    const result = await this.#tool.run(["-i"], line);
    // `security -i` reports a failing command on stderr.
    if (result.code !== 0 || result.stderr.trim() !== "") {
      // Never echo the secret, should `security` quote the line back.
      const stderr = result.stderr.replaceAll(secret, "<secret>");
      throw this.#failure("store the secret", { ...result, stderr, stdout: "" });
    }
    return this.label;
  }

  /** Deletes every matching item (each `security` run deletes one), as a logout must. */
  async delete(service: string, account: string): Promise<boolean> {
    for (let deleted = 0; deleted < MAX_DELETES; deleted++) {
      const result = await this.#tool.run([
        "delete-generic-password",
        "-s",
        service,
        "-a",
        account,
      ]);
      if (result.code === NOT_FOUND) return deleted > 0;
      if (result.code !== 0) throw this.#failure("delete the secret", result);
    }
    throw new StoreError(
      `The ${NAME} still holds items of ${account} after ${MAX_DELETES} were deleted`,
    );
  }
}
