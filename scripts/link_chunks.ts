/**
 * Links the ES-module chunks of `deno bundle --code-splitting` into ONE ES module in
 * which every chunk but the entry is a function, run the first time something imports
 * it. A chunk's code is then neither compiled nor run at start-up unless the command
 * needs it, and yet the CLI stays one file (relative chunk files would not load from a
 * GitHub release URL, which redirects to signed, per-file URLs).
 *
 * A chunk's static imports become calls of the loader at the top of its function, its
 * `export {...}` clause the object the function returns, and `import("./chunk.js")` a
 * promise of that object. The object holds the exported values as they are when the
 * chunk has run: no module of the CLI or its dependencies assigns an exported binding
 * later (tests/bundle_link_test.ts), and a getter per export would be one more function
 * for V8 to compile at start-up. Chunks import each other without cycles (a cycle would
 * run a chunk before the one it reads from; it is refused).
 * @module
 */

/** The loader's names in the linked module; no minified chunk uses these names. */
const LOAD = "__anacondaLoad";
const CHUNKS = "__anacondaChunks";
const LOADED = "__anacondaLoaded";

/** `import ... from "./x.js";` (or `import "./x.js";`) at the start of `code`. */
const STATIC_IMPORT =
  /^\s*import\s*(?:([\w$]+)\s*,?\s*)?(?:\{([^}]*)\}\s*|\*\s*as\s+([\w$]+)\s*)?(?:from\s*)?["']([^"']+)["']\s*;?/;
/** `export {...};` at the end of `code`, maybe followed by comments (licences). */
const EXPORT_CLAUSE = /\bexport\s*\{([^}]*)\}\s*;?((?:\s*\/\*[\s\S]*?\*\/)*\s*)$/;
/** `import("./x.js")`: a chunk loaded on demand. */
const DYNAMIC_IMPORT = /\bimport\(\s*["']\.\/([^"']+)\.js["']\s*\)/g;

/** A chunk split into what the linker rewrites. */
interface ParsedChunk {
  /** Loader calls that stand for the chunk's static imports. */
  head: string;
  /** The chunk's own code, dynamic imports rewritten. */
  body: string;
  /** Where `body` starts in the chunk's file. */
  bodyStart: number;
  /** The rewritten dynamic imports: where in the body (before rewriting), old and new length. */
  rewrites: { at: number; from: number; to: number }[];
  /** `name: local` pairs of the export clause. */
  exports: [string, string][];
  /** The chunks it imports statically, in order. */
  deps: string[];
}

/** The chunk id of a relative specifier (`./chunk-AB12.js` -> `chunk-AB12`). */
function chunkId(specifier: string, from: string): string {
  const match = /^\.\/([\w.-]+)\.js$/.exec(specifier);
  if (!match) {
    throw new Error(
      `${from} imports "${specifier}" statically; only chunks can be linked (load built-ins with import())`,
    );
  }
  return match[1]!;
}

/** `a as b` -> [a, b]; `a` -> [a, a]. */
function aliasPair(item: string): [string, string] {
  const [first, second] = item.trim().split(/\s+as\s+/);
  return [first!, second ?? first!];
}

function listItems(list: string): string[] {
  return list.split(",").map((item) => item.trim()).filter((item) => item !== "");
}

function parseChunk(name: string, code: string): ParsedChunk {
  let rest = code;
  let bodyStart = 0;
  const head: string[] = [];
  const deps: string[] = [];
  for (let match = STATIC_IMPORT.exec(rest); match; match = STATIC_IMPORT.exec(rest)) {
    const [whole, defaultName, named, namespace, specifier] = match;
    const dep = chunkId(specifier!, name);
    deps.push(dep);
    const load = `${LOAD}(${JSON.stringify(dep)})`;
    const bindings: string[] = [];
    if (defaultName !== undefined) bindings.push(`default:${defaultName}`);
    for (const item of listItems(named ?? "")) {
      const [imported, local] = aliasPair(item);
      bindings.push(imported === local ? local : `${JSON.stringify(imported)}:${local}`);
    }
    if (namespace !== undefined) head.push(`const ${namespace}=${load};`);
    else if (bindings.length > 0) head.push(`const{${bindings.join(",")}}=${load};`);
    else head.push(`${load};`);
    rest = rest.slice(whole.length);
    bodyStart += whole.length;
  }
  const exports: [string, string][] = [];
  const clause = EXPORT_CLAUSE.exec(rest);
  if (clause) {
    for (const item of listItems(clause[1]!)) {
      const [local, exported] = aliasPair(item);
      exports.push([exported, local]);
    }
    rest = rest.slice(0, clause.index) + clause[2];
  }
  const rewrites: ParsedChunk["rewrites"] = [];
  const body = rest.replace(DYNAMIC_IMPORT, (whole: string, id: string, at: number) => {
    // The loader runs in a microtask, as a module's import() would (its errors reject).
    const call = `Promise.resolve(${JSON.stringify(id)}).then(${LOAD})`;
    rewrites.push({ at, from: whole.length, to: call.length });
    return call;
  });
  return { head: head.join(""), body, bodyStart, rewrites, exports, deps };
}

/** Throws when the static imports of `chunks` form a cycle or name a missing chunk. */
function checkGraph(chunks: Map<string, ParsedChunk>, dynamic: Map<string, string[]>): void {
  for (const [name, ids] of dynamic) {
    for (const id of ids) {
      if (!chunks.has(id)) throw new Error(`${name} imports the missing chunk ${id}.js`);
    }
  }
  const state = new Map<string, "visiting" | "done">();
  const visit = (name: string, path: string[]) => {
    if (state.get(name) === "done") return;
    if (state.get(name) === "visiting") {
      throw new Error(`the chunks import each other in a cycle: ${[...path, name].join(" -> ")}`);
    }
    const chunk = chunks.get(name);
    if (!chunk) throw new Error(`${path.at(-1)} imports the missing chunk ${name}.js`);
    state.set(name, "visiting");
    for (const dep of chunk.deps) visit(dep, [...path, name]);
    state.set(name, "done");
  };
  for (const name of chunks.keys()) visit(name, []);
}

/** The chunks `name` imports statically, directly or not. */
function staticClosure(chunks: Map<string, ParsedChunk>, name: string): Set<string> {
  const seen = new Set<string>();
  const visit = (id: string) => {
    for (const dep of chunks.get(id)?.deps ?? []) {
      if (!seen.has(dep)) {
        seen.add(dep);
        visit(dep);
      }
    }
  };
  visit(name);
  return seen;
}

/** Options of `linkChunks`. */
export interface LinkOptions {
  /**
   * Chunks (ids: file names without `.js`) to compile with the module, besides those
   * the entry imports statically: the ones the hot commands load.
   */
  eager?: Iterable<string>;
  /** Print `TRACE_PREFIX<id>` on stderr when a chunk runs (to learn what a command loads). */
  trace?: boolean;
}

/** What a traced bundle prints before the id of each chunk it runs. */
export const TRACE_PREFIX = "anaconda-chunk-loaded ";

/** Where a position of the linked module comes from. */
export interface ChunkPosition {
  /** The chunk's file name. */
  file: string;
  /** The position in that file. */
  offset: number;
}

/** A linked module and the map back to its chunks. */
export interface LinkedModule {
  code: string;
  /** The chunk position of a position of `code`; null in code the linker wrote. */
  locate(position: number): ChunkPosition | null;
}

/**
 * Links `files` (file name -> code, as `deno bundle --code-splitting` wrote them) into
 * one ES module that runs `entry` (e.g. `main.js`).
 */
export function linkChunks(
  files: Record<string, string>,
  entry: string,
  options: LinkOptions = {},
): string {
  return linkChunksMapped(files, entry, options).code;
}

/** `linkChunks`, with the map from positions of the module back to its chunks. */
export function linkChunksMapped(
  files: Record<string, string>,
  entry: string,
  options: LinkOptions = {},
): LinkedModule {
  const entryId = chunkId(`./${entry}`, entry);
  const chunks = new Map<string, ParsedChunk>();
  const dynamic = new Map<string, string[]>();
  for (const [file, code] of Object.entries(files)) {
    const id = chunkId(`./${file}`, file);
    const parsed = parseChunk(file, code);
    chunks.set(id, parsed);
    dynamic.set(file, [...code.matchAll(DYNAMIC_IMPORT)].map((match) => match[1]!));
  }
  const main = chunks.get(entryId);
  if (!main) throw new Error(`no entry chunk ${entry}`);
  if (main.exports.length > 0) throw new Error(`the entry ${entry} must not export anything`);
  checkGraph(chunks, dynamic);
  // What the entry imports statically runs in every command: V8 compiles a parenthesised
  // function with the module, so its code lands in Deno's code cache; the other chunks
  // are compiled when first loaded.
  const eager = staticClosure(chunks, entryId);
  for (const id of options.eager ?? []) {
    if (!chunks.has(id)) throw new Error(`no chunk ${id} to compile eagerly`);
    eager.add(id);
  }

  const trace = options.trace ? `console.error(${JSON.stringify(TRACE_PREFIX)}+id);` : "";
  let code = "";
  /** Where each chunk's body is in `code`. */
  const spans: { file: string; start: number; chunk: ParsedChunk }[] = [];
  const append = (text: string) => void (code += text);
  const appendBody = (id: string, chunk: ParsedChunk) => {
    append(chunk.head);
    spans.push({ file: `${id}.js`, start: code.length, chunk });
    append(chunk.body);
  };
  append(`const ${CHUNKS}={`);
  const others = [...chunks].filter(([id]) => id !== entryId);
  others.forEach(([id, chunk], index) => {
    const exported = chunk.exports
      .map(([name, local]) => `${JSON.stringify(name)}:${local}`)
      .join(",");
    append(
      `${index === 0 ? "" : ",\n"}${JSON.stringify(id)}:${eager.has(id) ? "(" : ""}function(){`,
    );
    appendBody(id, chunk);
    append(`\nreturn{${exported}}}${eager.has(id) ? ")" : ""}`);
  });
  append(`};\nconst ${LOADED}=new Map;\n`);
  // A chunk runs once; its exports object is kept for later imports.
  append(
    `const ${LOAD}=(function(id){let m=${LOADED}.get(id);if(m===void 0){${trace}m=${CHUNKS}[id]();${LOADED}.set(id,m)}return m});\n`,
  );
  appendBody(entryId, main);

  const locate = (position: number): ChunkPosition | null => {
    const span = spans.find(({ start, chunk }) =>
      position >= start && position <= start + chunk.body.length
    );
    if (!span) return null;
    let inBody = position - span.start;
    let shift = 0;
    for (const rewrite of span.chunk.rewrites) {
      const rewrittenAt = rewrite.at + shift;
      if (inBody < rewrittenAt) break;
      if (inBody < rewrittenAt + rewrite.to) return null; // inside a rewritten import()
      shift += rewrite.to - rewrite.from;
    }
    inBody -= shift;
    return { file: span.file, offset: span.chunk.bodyStart + inBody };
  };
  return { code, locate };
}
