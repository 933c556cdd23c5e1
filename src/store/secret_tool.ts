/**
 * The Linux system keyring (Secret Service: gnome-keyring, KWallet, KeePassXC) through
 * `secret-tool`, with the item layout of Python keyring's SecretService backend, so
 * either tool finds the other's tokens. Secrets travel on stdin only.
 *
 * A save never lets a kill leave the account without a whole secret. `secret-tool
 * store` reads the secret from its stdin: a CLI killed after spawning it but before
 * writing leaves it reading end-of-file, and it stores an empty secret, replacing any
 * item with the same attributes. So the new secret is first stored as a *pending* item,
 * whose attributes (`pending-service`, `pending-username`, a `pending` id) no lookup by
 * service and account matches and no store replaces, and read back. Only then are the
 * account's other items cleared and the live item stored again; the pending copy goes
 * last. Readers take a non-empty live item, else the newest non-empty pending one: at
 * every moment they find the old secret or the new one, whole.
 *
 * Several saves killed in a row can leave several pending items and no live one, so a
 * pending id starts with a sequence number (a millisecond clock, and always above the
 * ids already there): "newest" is the highest, never an order the keyring happens to
 * list items in.
 * @module
 */
import type { Context, SpawnResult } from "../context.ts";
import { errorMessage, StoreError } from "../errors.ts";
import { withFileLock } from "../lock.ts";
import { dirName } from "../path.ts";
import { KeyringTool } from "./keyring_tool.ts";
import { type SecretStore, StoreUnavailableError } from "./secret_store.ts";

const PROGRAM = "secret-tool";
const NAME = "system keyring (Secret Service)";
const SCHEMA = "org.freedesktop.Secret.Generic";

/**
 * secret-tool reads at most 8192 bytes from stdin and silently stores only those; a
 * longer secret goes to the file keyring instead.
 */
export const MAX_SECRET_BYTES = 8191;

/** The attributes that identify an item, as Python keyring sets them. */
function lookupAttributes(service: string, account: string): Record<string, string> {
  return { service, username: account };
}

/**
 * All the attributes of a live item this project writes: Python keyring's, plus the
 * schema that its libsecret backend looks for.
 */
function itemAttributes(service: string, account: string): Record<string, string> {
  return {
    "xdg:schema": SCHEMA,
    service,
    username: account,
    application: "Python keyring library",
  };
}

/** The attributes of the account's pending items; with `id`, of one of them. */
function pendingAttributes(service: string, account: string, id?: string): Record<string, string> {
  return {
    "xdg:schema": SCHEMA,
    "pending-service": service,
    "pending-username": account,
    ...(id === undefined ? {} : { pending: id }),
  };
}

/** The label Python keyring gives an item. */
export function itemLabel(service: string, account: string): string {
  return `Password for '${account}' on '${service}'`;
}

function pendingLabel(service: string, account: string): string {
  return `${itemLabel(service, account)} (being saved)`;
}

function args(attributes: Record<string, string>): string[] {
  return Object.entries(attributes).flat();
}

/** The `pending` ids that `secret-tool search --all` prints (attributes go to stderr). */
function pendingIds(result: SpawnResult): string[] {
  return [...result.stderr.matchAll(/^attribute\.pending = (.+)$/gm)].map((match) => match[1]!);
}

/** The secrets that `secret-tool search --all` prints, one per item, in its order. */
function searchedSecrets(result: SpawnResult): string[] {
  return [...result.stdout.matchAll(/^secret = ([\s\S]*?)\ncreated = /gm)].map((match) =>
    match[1]!
  );
}

/** A pending id: `<16-digit sequence>-<8 random hex digits>`. */
const PENDING_ID = /^(\d{16})-[0-9a-f]{8}$/;

/** An id's sequence number; -1 for an id that has none (an older version's). */
function sequence(id: string): number {
  const match = PENDING_ID.exec(id);
  return match ? Number(match[1]) : -1;
}

/** A pending id above every one in `existing`, by the clock when the clock allows. */
function nextPendingId(existing: string[]): string {
  const next = Math.max(Date.now(), ...existing.map((id) => sequence(id) + 1));
  const random = crypto.randomUUID().replaceAll("-", "").slice(0, 8);
  return `${String(next).padStart(16, "0")}-${random}`;
}

/** Pending ids, newest first; ids without a sequence keep their order, last. */
function newestFirst(ids: string[]): string[] {
  return ids.map((id, index) => ({ id, index, seq: sequence(id) }))
    .sort((a, b) => b.seq - a.seq || a.index - b.index)
    .map(({ id }) => id);
}

/** Options of `SecretToolStore`. */
export interface SecretToolOptions {
  /** How long one `secret-tool` run may take; defaults to `KEYRING_TIMEOUT_MS`. */
  timeoutMs?: number;
  /**
   * A lock file that serializes this tool's saves and removals, so that a save never
   * mistakes another one's pending item for a leftover. Without it, or when its folder
   * cannot be written, saves are not serialized (each one is still crash-safe).
   */
  lockPath?: string;
}

/** The Secret Service via `secret-tool`. */
export class SecretToolStore implements SecretStore {
  readonly label = NAME;
  #tool: KeyringTool;
  #lockPath: string | undefined;

  constructor(context: Pick<Context, "spawn">, options: SecretToolOptions = {}) {
    this.#tool = new KeyringTool(context, {
      program: PROGRAM,
      name: NAME,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      missing: `${PROGRAM} is not installed (package libsecret-tools)`,
      notExecutable: `${PROGRAM} is not executable`,
      waitingFor: "an unlock prompt",
    });
    this.#lockPath = options.lockPath;
  }

  /** A failure with a message: a locked collection, or the service is not reachable. */
  #failure(result: SpawnResult): StoreError {
    const message = result.stderr.trim().split("\n")[0]?.replace(/^secret-tool:\s*/, "") ?? "";
    if (/locked/i.test(message)) return lockedError();
    return new StoreUnavailableError(
      `the ${NAME} is not available: ${message || `${PROGRAM} exited with ${result.code}`}`,
    );
  }

  /** After an exit 1 without a message: is there a matching item we may not read? */
  async #isLocked(service: string, account: string): Promise<boolean> {
    const result = await this.#tool.run(["search", ...args(lookupAttributes(service, account))]);
    return /locked/i.test(result.stderr);
  }

  /** The secret of the item(s) with `attributes`: `""` for an empty one, null for none. */
  async #lookup(attributes: Record<string, string>): Promise<string | null> {
    const result = await this.#tool.run(["lookup", ...args(attributes)]);
    if (result.code === 0) return result.stdout;
    if (result.stderr.trim() !== "") throw this.#failure(result);
    return null;
  }

  /** Every item with `attributes`, as `secret-tool search --all` prints them. */
  async #search(attributes: Record<string, string>): Promise<SpawnResult> {
    const result = await this.#tool.run(["search", "--all", ...args(attributes)]);
    if (result.code !== 0 && result.stderr.trim() !== "") throw this.#failure(result);
    return result;
  }

  /** Deletes the items with `attributes`; false when there was none. */
  async #clear(attributes: Record<string, string>): Promise<boolean> {
    const result = await this.#tool.run(["clear", ...args(attributes)]);
    if (result.code === 0) return true;
    if (result.stderr.trim() !== "") throw this.#failure(result);
    return false;
  }

  async #store(attributes: Record<string, string>, label: string, secret: string): Promise<void> {
    const result = await this.#tool.run(["store", `--label=${label}`, ...args(attributes)], secret);
    if (result.code === 0) return;
    if (result.stderr.trim() === "") {
      throw new StoreError(`The ${NAME} did not store the secret (exit ${result.code})`);
    }
    throw this.#failure(result);
  }

  /**
   * The account's secret. A live item that is empty (a save killed while secret-tool
   * read its stdin, by this tool before it stored pending items) is skipped; without a
   * non-empty live item, a pending one holds the newest secret of a save that was
   * killed before it finished.
   */
  async get(service: string, account: string): Promise<string | null> {
    const live = await this.#lookup(lookupAttributes(service, account));
    if (live) return live;
    if (live === "") {
      const other = searchedSecrets(await this.#search(lookupAttributes(service, account)))
        .find((secret) => secret !== "");
      if (other !== undefined) return other;
    }
    const pending = await this.#pendingSecret(service, account);
    if (pending !== null) return pending;
    if (live === null && await this.#isLocked(service, account)) throw lockedError();
    return null;
  }

  /** The newest non-empty pending item's secret, or null. */
  async #pendingSecret(service: string, account: string): Promise<string | null> {
    const found = await this.#search(pendingAttributes(service, account));
    for (const id of newestFirst(pendingIds(found))) {
      const secret = await this.#lookup(pendingAttributes(service, account, id));
      if (secret) return secret;
    }
    return null;
  }

  /**
   * Stores `secret` so that a kill at any moment leaves the old secret or the new one
   * readable (see the module's comment): pending items listed, a newer one stored and
   * read back, the other pending items and the live items cleared, live item stored and
   * read back, pending item cleared.
   */
  async set(service: string, account: string, secret: string): Promise<string> {
    const size = new TextEncoder().encode(secret).length;
    if (size > MAX_SECRET_BYTES) {
      throw new StoreUnavailableError(
        `the ${NAME} cannot keep a secret of ${size} bytes (${PROGRAM} takes at most ${MAX_SECRET_BYTES})`,
        { perSecret: true },
      );
    }
    await this.#exclusive(async () => {
      // Leftovers of killed saves: the new pending item must be newer than all of them.
      const stale = pendingIds(await this.#search(pendingAttributes(service, account)));
      const id = nextPendingId(stale);
      const pending = pendingAttributes(service, account, id);
      await this.#store(pending, pendingLabel(service, account), secret);
      try {
        await this.#confirm(pending, secret);
      } catch (err) {
        await this.#clear(pending).catch(() => {}); // readers must not fall back to it
        throw err;
      }
      // The leftovers go before the live items, so that a reader never falls back to a
      // secret older than the one it was reading.
      for (const other of stale) await this.#clear(pendingAttributes(service, account, other));
      // Every live item: ours, Python keyring's (without xdg:schema, which a store of
      // ours would not replace), an empty one. From here on, readers find the pending copy.
      await this.#clear(lookupAttributes(service, account));
      await this.#store(itemAttributes(service, account), itemLabel(service, account), secret);
      await this.#confirm(lookupAttributes(service, account), secret);
      await this.#clear(pending);
    });
    return this.label;
  }

  /** Reads the item(s) with `attributes` back: they must hold `secret`, whole. */
  async #confirm(attributes: Record<string, string>, secret: string): Promise<void> {
    if ((await this.#lookup(attributes)) === secret) return;
    throw new StoreError(
      `The ${NAME} did not keep the secret: reading it back gave something else`,
    );
  }

  /** Removes the account's live and pending items; false when there was none. */
  async delete(service: string, account: string): Promise<boolean> {
    return await this.#exclusive(async () => {
      // Pending first: a kill in between leaves the live item, as if nothing was done.
      const pending = await this.#clear(pendingAttributes(service, account));
      const live = await this.#clear(lookupAttributes(service, account));
      if (live || pending) return true;
      if (await this.#isLocked(service, account)) throw lockedError();
      return false;
    });
  }

  /** Runs `action` holding the lock file, when there is one that can be used. */
  async #exclusive<T>(action: () => Promise<T>): Promise<T> {
    const lockPath = this.#lockPath;
    if (lockPath === undefined) return await action();
    try {
      await Deno.mkdir(dirName(lockPath), { recursive: true, mode: 0o700 });
    } catch {
      return await action(); // A folder that cannot be written: see `lockPath`.
    }
    let unusable = false;
    try {
      return await withFileLock(lockPath, action, {
        fail: (cause) => {
          // A folder this user may not write, or a read-only file system.
          unusable = cause instanceof Deno.errors.PermissionDenied ||
            (cause as { code?: unknown }).code === "EROFS";
          return new StoreError(
            `Cannot lock ${lockPath}: ${errorMessage(cause)}`,
            { cause },
          );
        },
      });
    } catch (err) {
      if (unusable) return await action();
      throw err;
    }
  }
}

function lockedError(): StoreError {
  return new StoreError(
    `The ${NAME} is locked: unlock its collection (e.g. log in to the desktop session) ` +
      `or set preferred_token_storage = "anaconda-keyring"`,
  );
}
