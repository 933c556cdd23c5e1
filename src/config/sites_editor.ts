/**
 * The sites editor of config.toml (docs/behaviour.md, "Editing the configuration file"; D1):
 * what a `sites add/modify/remove` changes (`default_site` and `[sites.*]`), applied as
 * source-range edits that keep every other table, key and comment byte for byte, and checked by
 * parsing the result again.
 * @module
 */
import { ConfigError, errorMessage } from "../errors.ts";
import { parseConfigToml } from "./toml_parse.ts";
import {
  applyEdits,
  type EntryStatement,
  formatKey,
  formatTable,
  formatValue,
  lineEnding,
  samePath,
  scanToml,
  type Section,
  sectionsOf,
  startsWithPath,
  type TextEdit,
} from "./toml_edit.ts";
import { isTable, sameValue } from "./toml_value.ts";

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
          isTable(value) && isTable(old)
        ) {
          this.#syncTable(keyPath, subTable, old, value);
          continue;
        }
        this.deleteDefinitions(definitions);
      }
      if (isTable(value)) {
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
  if (!isTable(currentSites)) throw new ConfigError(`sites in ${path} is not a table`);
  let editor: SitesEditor;
  try {
    editor = new SitesEditor(text);
  } catch (err) {
    const reason = errorMessage(err);
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
    if (rewriteAll || !isTable(have)) {
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
    return fail(errorMessage(err));
  }
  if (after.default_site !== state.defaultSite) fail("default_site did not come out as planned");
  const wantSites = Object.fromEntries(state.sites.map((site) => [site.name, site.table]));
  if (!sameValue(after.sites ?? {}, wantSites)) fail("the sites did not come out as planned");
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (key === "default_site" || key === "sites") continue;
    if (!sameValue(before[key], after[key])) fail(`${key} would have changed`);
  }
}
