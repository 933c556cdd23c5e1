/**
 * What `anaconda token` changes in a `.condarc` (docs/behaviour.md, ".condarc edits"), as edits
 * over its current settings: conda's `default_channels` pointed at the premium repository, the
 * settings of a token (`add_anaconda_token`, `ssl_verify`, signature checks), and their
 * removal.
 * @module
 */
import type { CondarcEdit } from "./condarc_edit.ts";
import { condaSetting } from "./conda_keys.ts";
import { channelUrl } from "./repo_url.ts";

/** The channels every configuration has, in order. */
export const MAIN_CHANNEL = "main";
export const ACTIVE_CHANNELS = ["r", "msys2"] as const;
/** Channels a user may add (`--include-archive-channels`). */
export const ARCHIVE_CHANNELS = ["free", "mro-archive", "pro"] as const;
export type ArchiveChannel = (typeof ARCHIVE_CHANNELS)[number];

/** The names of the channels wanted in `default_channels`, in order. */
function channelNames(archive: readonly string[]): string[] {
  return [...new Set([MAIN_CHANNEL, ...ACTIVE_CHANNELS, ...archive])];
}

/** The `default_channels` to set: main, r, msys2, then the archive channels asked for. */
export function defaultChannelUrls(repo: string, archive: readonly string[] = []): string[] {
  return channelNames(archive).map((name) => channelUrl(repo, name));
}

/** The `default_channels` of `settings` (under any of its names) as strings; none when unset. */
export function existingDefaultChannels(settings: Record<string, unknown>): string[] {
  const value = condaSetting(settings, "default_channels");
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map((item) => String(item));
}

/**
 * Whether `default_channels` already names exactly the wanted channels of `repo` (in
 * any order, as the Python tool compares them): then there is nothing to do.
 */
export function defaultChannelsConfigured(
  settings: Record<string, unknown>,
  repo: string,
  archive: readonly string[] = [],
): boolean {
  const existing = new Set(
    existingDefaultChannels(settings).map((url) =>
      url.startsWith(repo) ? url.slice(repo.length) : url
    ),
  );
  const wanted = new Set(channelNames(archive));
  return existing.size === wanted.size && [...wanted].every((name) => existing.has(name));
}

/**
 * Points `default_channels` at the repository (replacing the old list in place), and turns
 * a set `restore_free_channel` off: the free channel comes from the repository now.
 */
export function defaultChannelsEdits(
  settings: Record<string, unknown>,
  repo: string,
  archive: readonly string[] = [],
): CondarcEdit[] {
  const edits: CondarcEdit[] = [
    { key: "default_channels", value: defaultChannelUrls(repo, archive) },
  ];
  if (condaSetting(settings, "restore_free_channel")) {
    edits.push({ key: "restore_free_channel", value: false });
  }
  return edits;
}

export interface TokenSettings {
  /** `ssl_verify: false` (`--no-ssl-verify`). */
  disableSslVerify?: boolean;
  /** `extra_safety_checks: true` and `signing_metadata_url_base` (`--enable-signature-verification`). */
  signatureVerification?: boolean;
}

/** The settings that make conda send the token to the repository (token set, D53). */
export function tokenSettingsEdits(repo: string, options: TokenSettings = {}): CondarcEdit[] {
  const edits: CondarcEdit[] = [{ key: "add_anaconda_token", value: true }];
  if (options.disableSslVerify) edits.push({ key: "ssl_verify", value: false });
  if (options.signatureVerification) {
    edits.push(
      { key: "extra_safety_checks", value: true },
      { key: "signing_metadata_url_base", value: repo.replace(/\/+$/, "") },
    );
  }
  return edits;
}

/**
 * What `token remove` undoes, as the Python tool does it: `default_channels` removed,
 * `extra_safety_checks` set to false, `signing_metadata_url_base` removed.
 */
export function tokenRemoveEdits(): CondarcEdit[] {
  return [
    { key: "default_channels", remove: true },
    { key: "extra_safety_checks", value: false },
    { key: "signing_metadata_url_base", remove: true },
  ];
}
