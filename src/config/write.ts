/**
 * Writing config.toml (SPEC Part B §1.5 with Part A A1, A2): only `default_site` and
 * `[sites.*]` change, by source-range edits that keep every other table, key and
 * comment byte for byte; a unified diff for `--dry-run`; a timestamped backup (the 5
 * newest kept) and an atomic write with mode 0600 for real writes.
 * @module
 */
import { structuredPatch } from "diff";
import { ConfigError } from "../errors.ts";
import { parseConfigToml } from "./load.ts";
import { redactedLines } from "./redact_toml.ts";
import {
  applyEdits,
  type EntryStatement,
  formatKey,
  formatTable,
  formatValue,
  isPlainTable,
  lineEnding,
  samePath,
  scanToml,
  type Section,
  sectionsOf,
  startsWithPath,
  type TextEdit,
} from "./toml_edit.ts";

/** One `[sites.<name>]` table as it should be written. */
export interface SiteTable {
  name: string;
  table: Record<string, unknown>;
}

/** What config.toml should say about sites after a `sites add/modify/remove`. */
export interface SitesState {
  defaultSite: string;
  /** In file order; new sites last. */
  sites: SiteTable[];
}

/** Deep equality of parsed TOML values (tables, arrays, dates, scalars). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && String(a) === String(b) &&
      a.getTime() === b.getTime();
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length &&
      a.every((item, index) => sameValue(item, b[index]));
  }
  if (isPlainTable(a) || isPlainTable(b)) {
    if (!isPlainTable(a) || !isPlainTable(b)) return false;
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length &&
      keys.every((key) => Object.hasOwn(b, key) && sameValue(a[key], b[key]));
  }
  return Object.is(a, b);
}

/** Collapses the line endings at the end of the text to exactly one. */
function oneFinalNewline(text: string, eol: string): string {
  const trimmed = text.replace(/(\r?\n)+$/, "");
  return trimmed === "" ? "" : trimmed + eol;
}

/** Plans the edits of one document. */
class SitesEditor {
  readonly edits: TextEdit[] = [];
  readonly #sections: Section[];
  readonly #entries: EntryStatement[];
  readonly #sectionOfEntry = new Map<EntryStatement, Section>();
  readonly #deleted = new Set<Section>();
  /** New sub-tables, placed once every deletion is known. */
  readonly #newSubTables: Array<
    { group: string[]; path: string[]; table: Record<string, unknown> }
  > = [];
  readonly #newSites: SiteTable[] = [];

  constructor(readonly text: string) {
    this.#sections = sectionsOf(text, scanToml(text));
    this.#entries = this.#sections.flatMap((section) => section.entries);
    for (const section of this.#sections) {
      for (const entry of section.entries) this.#sectionOfEntry.set(entry, section);
    }
  }

  /** Sections under `prefix` and the entries under it that live in other sections. */
  definitions(prefix: string[]): { sections: Section[]; entries: EntryStatement[] } {
    const sections = this.#sections.filter((section) =>
      section.header !== null && startsWithPath(section.header.path, prefix)
    );
    const entries = this.#entries.filter((entry) =>
      startsWithPath(entry.path, prefix) &&
      !sections.includes(this.#sectionOfEntry.get(entry) as Section)
    );
    return { sections, entries };
  }

  deleteDefinitions(definitions: { sections: Section[]; entries: EntryStatement[] }): void {
    for (const section of definitions.sections) {
      this.#deleted.add(section);
      this.edits.push({ start: section.start, end: section.end, text: "" });
    }
    for (const entry of definitions.entries) {
      this.edits.push({ start: entry.start, end: entry.end, text: "" });
    }
  }

  setDefaultSite(current: unknown, wanted: string): void {
    const root = this.#sections[0] as Section;
    const entry = root.entries.find((candidate) => samePath(candidate.path, ["default_site"]));
    if (entry) {
      if (current !== wanted) {
        this.edits.push({
          start: entry.valueStart,
          end: entry.valueEnd,
          text: formatValue(wanted),
        });
      }
      return;
    }
    const line = `default_site = ${formatValue(wanted)}\n`;
    if (root.entries.length > 0) {
      this.edits.push({ start: root.lastEntryEnd, end: root.lastEntryEnd, text: line });
    } else {
      this.edits.push({
        start: root.bodyEnd,
        end: root.bodyEnd,
        text: line,
        blankBefore: true,
        blankAfter: true,
      });
    }
  }

  /** The site's table is written as a new `[sites.<name>]` table. */
  addSite(site: SiteTable): void {
    this.#newSites.push(site);
  }

  /**
   * Edits an existing site to `want`. Returns false when its layout is not one header
   * `[sites.<name>]` (plus sub-table headers), so it has to be written anew.
   */
  syncSite(name: string, have: Record<string, unknown>, want: Record<string, unknown>): boolean {
    const prefix = ["sites", name];
    const { sections, entries } = this.definitions(prefix);
    const own = sections.filter((section) => samePath(section.header?.path ?? [], prefix));
    const [table] = own;
    if (
      !table || own.length !== 1 || entries.length > 0 ||
      sections.some((section) => section.header?.array)
    ) {
      return false;
    }
    this.#syncTable(prefix, table, have, want);
    return true;
  }

  #syncTable(
    path: string[],
    section: Section,
    have: Record<string, unknown>,
    want: Record<string, unknown>,
  ): void {
    const keys = [...Object.keys(have), ...Object.keys(want).filter((key) => !(key in have))];
    for (const key of keys) {
      const inHave = Object.hasOwn(have, key);
      const inWant = Object.hasOwn(want, key);
      if (inHave && inWant && sameValue(have[key], want[key])) continue;
      const keyPath = [...path, key];
      const definitions = this.definitions(keyPath);
      if (!inWant) {
        this.deleteDefinitions(definitions);
        continue;
      }
      const value = want[key];
      if (inHave) {
        const [entry] = definitions.entries;
        if (
          entry && definitions.entries.length === 1 && definitions.sections.length === 0 &&
          samePath(entry.path, keyPath) && section.entries.includes(entry)
        ) {
          this.edits.push({
            start: entry.valueStart,
            end: entry.valueEnd,
            text: formatValue(value),
          });
          continue;
        }
        const own = definitions.sections.filter((candidate) =>
          samePath(candidate.header?.path ?? [], keyPath)
        );
        const [subTable] = own;
        const old = have[key];
        if (
          subTable && own.length === 1 && definitions.entries.length === 0 &&
          definitions.sections.every((candidate) => !candidate.header?.array) &&
          isPlainTable(value) && isPlainTable(old)
        ) {
          this.#syncTable(keyPath, subTable, old, value);
          continue;
        }
        this.deleteDefinitions(definitions);
      }
      if (isPlainTable(value)) {
        this.#newSubTables.push({ group: path, path: keyPath, table: value });
      } else {
        const at = section.lastEntryEnd;
        this.edits.push({
          start: at,
          end: at,
          text: `${formatKey(key)} = ${formatValue(value)}\n`,
        });
      }
    }
  }

  /** Places the new tables after the last surviving table of their group. */
  placeNewTables(): void {
    const live = (prefix: string[]) =>
      this.#sections.filter((section) =>
        section.header !== null && !this.#deleted.has(section) &&
        startsWithPath(section.header.path, prefix)
      );
    for (const { group, path, table } of this.#newSubTables) {
      const at = Math.max(...live(group).map((section) => section.bodyEnd));
      this.edits.push({
        start: at,
        end: at,
        text: formatTable(path, table),
        blankBefore: true,
        blankAfter: true,
      });
    }
    if (this.#newSites.length === 0) return;
    const liveSites = live(["sites"]);
    const goneSites = [...this.#deleted].filter((section) =>
      startsWithPath(section.header?.path ?? [], ["sites"])
    );
    const at = liveSites.length > 0
      ? Math.max(...liveSites.map((section) => section.bodyEnd))
      : goneSites.length > 0
      ? Math.min(...goneSites.map((section) => section.start))
      : this.text.length;
    for (const site of this.#newSites) {
      this.edits.push({
        start: at,
        end: at,
        text: formatTable(["sites", site.name], site.table),
        blankBefore: true,
        blankAfter: true,
      });
    }
  }

  /** `sites = {...}` (or `sites = ...` in another form) defines every site at once. */
  sharedDefinitions(): EntryStatement[] {
    return this.#entries.filter((entry) => samePath(entry.path, ["sites"]));
  }
}

/**
 * The new text of config.toml: `text` with `default_site` and `[sites.*]` edited to
 * match `state`, everything else unchanged. `path` is only used in messages.
 */
export function editSites(text: string, state: SitesState, path: string): string {
  const document = parseConfigToml(text, path);
  const currentSites = document.sites ?? {};
  if (!isPlainTable(currentSites)) throw new ConfigError(`sites in ${path} is not a table`);
  let editor: SitesEditor;
  try {
    editor = new SitesEditor(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ConfigError(`Cannot edit ${path} without reformatting it: ${reason}`);
  }
  editor.setDefaultSite(document.default_site, state.defaultSite);

  const shared = editor.sharedDefinitions();
  const rewriteAll = shared.length > 0;
  editor.deleteDefinitions({ sections: [], entries: shared });
  const wanted = new Set(state.sites.map((site) => site.name));
  if (!rewriteAll) {
    for (const name of Object.keys(currentSites)) {
      if (!wanted.has(name)) editor.deleteDefinitions(editor.definitions(["sites", name]));
    }
  }
  for (const site of state.sites) {
    const have = currentSites[site.name];
    if (rewriteAll || !isPlainTable(have)) {
      if (!rewriteAll) editor.deleteDefinitions(editor.definitions(["sites", site.name]));
      editor.addSite(site);
      continue;
    }
    if (sameValue(have, site.table)) continue;
    if (!editor.syncSite(site.name, have, site.table)) {
      editor.deleteDefinitions(editor.definitions(["sites", site.name]));
      editor.addSite(site);
    }
  }
  editor.placeNewTables();

  const edited = oneFinalNewline(applyEdits(text, editor.edits), lineEnding(text));
  verify(edited, document, state, path);
  return edited;
}

/** Re-reads the result: the sites must be as wanted and every other key as before. */
function verify(
  edited: string,
  before: Record<string, unknown>,
  state: SitesState,
  path: string,
): void {
  const fail = (what: string): never => {
    throw new ConfigError(`Cannot edit ${path} without reformatting it: ${what}`);
  };
  let after: Record<string, unknown>;
  try {
    after = parseConfigToml(edited, path);
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
  if (after.default_site !== state.defaultSite) fail("default_site did not come out as planned");
  const wantSites = Object.fromEntries(state.sites.map((site) => [site.name, site.table]));
  if (!sameValue(after.sites ?? {}, wantSites)) fail("the sites did not come out as planned");
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (key === "default_site" || key === "sites") continue;
    if (!sameValue(before[key], after[key])) fail(`${key} would have changed`);
  }
}

const pad = (value: number, width = 2) => String(value).padStart(width, "0");

/** `%m-%d-%y %H:%M` in local time, as in the diff headers of the Python tool. */
export function diffDate(ms: number): string {
  const date = new Date(ms);
  return `${pad(date.getMonth() + 1)}-${pad(date.getDate())}-${pad(date.getFullYear() % 100)} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function diffLines(text: string): string {
  const unix = text.replaceAll("\r\n", "\n");
  return unix === "" || unix.endsWith("\n") ? unix : `${unix}\n`;
}

/** A unified-diff range like Python's difflib: `3`, `3,4`, or `2,0` for an empty range. */
function range(start: number, length: number): string {
  if (length === 1) return String(start);
  return length === 0 ? `${start - 1},0` : `${start},${length}`;
}

export interface DiffHeader {
  path: string;
  /** Modification time of the current file (`null` when it does not exist). */
  oldDate: string | null;
  newDate: string;
}

/**
 * The unified diff (3 lines of context) between the current and the new text, with
 * Python difflib's headers `--- <path>\t<date>` and `+++ <path>\t<date>`; "" when the
 * texts are the same. Secrets (`api_key`, `keyring`) are shown redacted.
 */
export function unifiedDiff(oldText: string, newText: string, header: DiffHeader): string {
  const patch = structuredPatch(
    header.path,
    header.path,
    diffLines(oldText),
    diffLines(newText),
    undefined,
    undefined,
    { context: 3 },
  );
  if (patch.hunks.length === 0) return "";
  const lines = [
    `--- ${header.path}${header.oldDate ? `\t${header.oldDate}` : ""}`,
    `+++ ${header.path}\t${header.newDate}`,
  ];
  const oldShown = redactedLines(diffLines(oldText));
  const newShown = redactedLines(diffLines(newText));
  for (const hunk of patch.hunks) {
    lines.push(
      `@@ -${range(hunk.oldStart, hunk.oldLines)} +${range(hunk.newStart, hunk.newLines)} @@`,
    );
    let oldLine = hunk.oldStart - 1;
    let newLine = hunk.newStart - 1;
    for (const line of hunk.lines) {
      const mark = line[0];
      if (mark === "-") lines.push(`-${oldShown[oldLine++]}`);
      else if (mark === "+") lines.push(`+${newShown[newLine++]}`);
      else if (mark === " ") {
        lines.push(` ${oldShown[oldLine++]}`);
        newLine++;
      }
    }
  }
  return `${lines.join("\n")}\n`;
}

function dirName(path: string): string {
  const cut = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  if (cut < 0) return ".";
  return cut === 0 ? path.slice(0, 1) : path.slice(0, cut);
}

function joinDir(dir: string, name: string): string {
  return /[\\/]$/.test(dir)
    ? `${dir}${name}`
    : `${dir}${Deno.build.os === "windows" ? "\\" : "/"}${name}`;
}

/** `YYYYmmdd_HHMMSS_ffffff` in local time (microseconds from the millisecond clock). */
export function backupStamp(ms: number, extraMicros = 0): string {
  const date = new Date(ms);
  return `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}_` +
    `${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}_` +
    pad(date.getMilliseconds() * 1000 + extraMicros, 6);
}

/** How many `config.backup.*.toml` files are kept. */
export const BACKUPS_KEPT = 5;

const BACKUP_NAME = /^config\.backup\..+\.toml$/;

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

async function restrict(path: string): Promise<void> {
  if (Deno.build.os !== "windows") await Deno.chmod(path, 0o600);
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Copies the config file to `config.backup.<stamp>.toml` beside it (mode 0600) and
 * deletes all but the newest backups. Returns the backup's path.
 */
export async function backupConfig(path: string, nowMs: number): Promise<string> {
  const dir = dirName(path);
  // Two writes within one millisecond get consecutive microseconds, not one name.
  let micros = 0;
  let backup: string;
  do {
    backup = joinDir(dir, `config.backup.${backupStamp(nowMs, micros)}.toml`);
    micros++;
  } while (micros < 1000 && await exists(backup));
  try {
    await Deno.copyFile(path, backup);
    await restrict(backup);
  } catch (err) {
    throw new ConfigError(`Cannot back up ${path} to ${backup}: ${reason(err)}`);
  }
  await pruneBackups(dir);
  return backup;
}

/** Keeps the newest backups (by modification time, then name); failures are ignored. */
async function pruneBackups(dir: string): Promise<void> {
  try {
    const backups: Array<{ path: string; name: string; mtime: number }> = [];
    for await (const entry of Deno.readDir(dir)) {
      if (!entry.isFile || !BACKUP_NAME.test(entry.name)) continue;
      const path = joinDir(dir, entry.name);
      const info = await Deno.stat(path);
      backups.push({ path, name: entry.name, mtime: info.mtime?.getTime() ?? 0 });
    }
    backups.sort((a, b) => b.mtime - a.mtime || (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
    for (const old of backups.slice(BACKUPS_KEPT)) await Deno.remove(old.path);
  } catch {
    // The backup exists; cleaning up old ones is best effort.
  }
}

/**
 * Writes `text` to `path` atomically (a temporary file in the same folder, then a
 * rename), with mode 0600; creates the folder (0700) when it is missing. When the file
 * exists it is first backed up (see `backupConfig`); the backup's path is returned.
 */
export async function writeConfigFile(
  path: string,
  text: string,
  nowMs: number,
): Promise<string | null> {
  const dir = dirName(path);
  let backup: string | null = null;
  if (await exists(path)) {
    backup = await backupConfig(path, nowMs);
  } else {
    try {
      await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
    } catch (err) {
      throw new ConfigError(`Cannot create the folder ${dir}: ${reason(err)}`);
    }
  }
  const random = crypto.getRandomValues(new Uint32Array(2)).join("");
  const temp = joinDir(dir, `.config_${random}.toml.tmp`);
  try {
    const file = await Deno.open(temp, { write: true, createNew: true, mode: 0o600 });
    try {
      const bytes = new TextEncoder().encode(text);
      let written = 0;
      while (written < bytes.length) written += await file.write(bytes.subarray(written));
    } finally {
      file.close();
    }
    await restrict(temp);
    await Deno.rename(temp, path);
  } catch (err) {
    await Deno.remove(temp).catch(() => {});
    throw new ConfigError(`Cannot write ${path}: ${reason(err)}`);
  }
  return backup;
}

/** The modification time of `path` for the diff header, or null when it does not exist. */
export async function modifiedDate(path: string): Promise<string | null> {
  try {
    const info = await Deno.stat(path);
    return info.mtime ? diffDate(info.mtime.getTime()) : null;
  } catch {
    return null;
  }
}
