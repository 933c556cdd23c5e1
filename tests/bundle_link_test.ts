/**
 * The two steps that turn `deno bundle --code-splitting` output into the one-file bundle:
 * the chunk linker (scripts/link_chunks.ts) and the rewrite that makes V8 compile the
 * hot chunks' functions with the module (scripts/eager_compile.ts). Linked and rewritten
 * code is run and must behave as the original.
 * @module
 */
import assert from "node:assert/strict";
import { eagerCompiled } from "../scripts/eager_compile.ts";
import { linkChunks, linkChunksMapped, TRACE_PREFIX } from "../scripts/link_chunks.ts";

/** Every `.ts` file under `dir` (a URL of a folder). */
async function* walkTypeScript(dir: URL): AsyncGenerator<URL> {
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isDirectory) yield* walkTypeScript(new URL(`${entry.name}/`, dir));
    else if (entry.name.endsWith(".ts")) yield new URL(entry.name, dir);
  }
}

/** Runs `code` as an ES module and returns its exports. */
async function runModule(code: string): Promise<Record<string, unknown>> {
  return await import(`data:text/javascript;base64,${btoa(unescape(encodeURIComponent(code)))}`);
}

/** The chunks esbuild writes: shared chunks, a lazily imported one, and the entry. */
const CHUNKS: Record<string, string> = {
  "chunk-AAA.js":
    `var n=0;function c(){return++n}class E extends Error{name="E"}export{c as a,E as b};`,
  "chunk-BBB.js": `import{a as i}from"./chunk-AAA.js";var v=i()*10;export{v as a};`,
  "lazy-CCC.js": `import{a as i,b as K}from"./chunk-AAA.js";import"./chunk-BBB.js";` +
    `var w=i();function t(e){return e instanceof K}export{w as w,t as isE};\n/*! licence */\n`,
  "main.js": `import{a as x}from"./chunk-BBB.js";import{b as E}from"./chunk-AAA.js";` +
    `globalThis.__linkTest=async()=>{let m=await import("./lazy-CCC.js");` +
    `let again=await import("./lazy-CCC.js");return[x,m.w,m.isE(new E),m===again]};`,
};

Deno.test("linked chunks run once each, in import order, and share their exports", async () => {
  const code = linkChunks(CHUNKS, "main.js");
  assert.deepEqual(/\bimport\s*[{"*]|\bexport\s*\{/.test(code), false);
  await runModule(code);
  const test = (globalThis as Record<string, unknown>).__linkTest as () => Promise<unknown[]>;
  // chunk-BBB ran first (c() -> 1, so 10), the lazy chunk later (c() -> 2); one class E.
  assert.deepEqual(await test(), [10, 2, true, true]);
});

Deno.test("only the chunks the entry imports are compiled with the module, unless told", () => {
  const code = linkChunks(CHUNKS, "main.js");
  assert.match(code, /"chunk-AAA":\(function\(\)\{/);
  assert.match(code, /"chunk-BBB":\(function\(\)\{/);
  assert.match(code, /"lazy-CCC":function\(\)\{/);
  assert.match(linkChunks(CHUNKS, "main.js", { eager: ["lazy-CCC"] }), /"lazy-CCC":\(function/);
  assert.match(linkChunks(CHUNKS, "main.js", { trace: true }), new RegExp(TRACE_PREFIX));
});

Deno.test("positions of the linked module map back to the chunks' files", () => {
  const lazy =
    `import{a as i}from"./chunk-AAA.js";let p=import("./chunk-AAA.js");function f(){return 1}`;
  const { code, locate } = linkChunksMapped({ ...CHUNKS, "lazy-CCC.js": lazy }, "main.js");
  // The end of f, after an import() the linker rewrote to a longer call.
  const end = code.indexOf("return 1}") + "return 1}".length;
  assert.deepEqual(locate(end), { file: "lazy-CCC.js", offset: lazy.length });
  const main = CHUNKS["main.js"]!;
  const x = code.lastIndexOf("return[x,");
  assert.deepEqual(locate(x), { file: "main.js", offset: main.indexOf("return[x,") });
  assert.deepEqual(locate(code.indexOf("__anacondaLoaded=new Map")), null);
});

Deno.test("only the functions that end where V8 said are rewritten", () => {
  const code = `function a(){return 1}function b(){return c=>c}`;
  assert.deepEqual(
    eagerCompiled(code, new Set([code.indexOf("}") + 1])),
    `var a=(function a(){return 1});function b(){return c=>c}`,
  );
});

Deno.test("the linker refuses what it cannot link", () => {
  assert.throws(
    () => linkChunks({ ...CHUNKS, "chunk-AAA.js": `import"./chunk-BBB.js";export{};` }, "main.js"),
    { name: "Error", message: /cycle: chunk-AAA -> chunk-BBB -> chunk-AAA/ },
  );
  assert.throws(() => linkChunks({ "main.js": `import{x}from"node:fs";` }, "main.js"), {
    name: "Error",
    message: /imports "node:fs" statically/,
  });
  assert.throws(() => linkChunks({ "main.js": `import("./gone.js");` }, "main.js"), {
    name: "Error",
    message: /missing chunk gone\.js/,
  });
  assert.throws(() => linkChunks(CHUNKS, "main.js", { eager: ["nope"] }), {
    name: "Error",
    message: /no chunk nope/,
  });
});

Deno.test("no module exports a binding that it assigns later (the linker copies exports)", async () => {
  const offenders: string[] = [];
  for (const folder of ["../src/", "../scripts/stand_in/"]) {
    for await (const path of walkTypeScript(new URL(folder, import.meta.url))) {
      if (/\bexport\s+(let|var)\b/.test(await Deno.readTextFile(path))) offenders.push(path.href);
    }
  }
  assert.deepEqual(offenders, []);
});

Deno.test("eagerly compiled code behaves as the original", async () => {
  const cases = [
    `export const r = g() + h(); function g(){return h()*2} function h(){return 1}`,
    `export const r = (() => { function f(n){ return n<=1?1:n*f(n-1) } return f(5) })();`,
    `export const r = [1,2,3].map(x => x*2).filter(function(x){return x>2}).join();`,
    `function a(){ return b(); function b(){ return "b" } }
     export const r = a() + (class { m(){ return "m" } }).prototype.m() + ({get z(){return "z"}}).z;`,
    `export const r = typeof later; function later(){}`,
    `async function af(){"use strict";function deep(){return x=>y=>x+y} return deep()(1)(2)}
     export const r = await af();`,
    `const o = { k: function(){ return 3 }, m(){ return 4 }, a: async () => 5 };
     export const r = [o.k.name, o.k(), o.m(), await o.a()].join();`,
    `let v; if (v === undefined) { v = inBlock(); function inBlock(){ return "block" } }
     export const r = v;`,
  ];
  for (const code of cases) {
    const rewritten = eagerCompiled(code);
    assert.deepEqual((await runModule(rewritten)).r, (await runModule(code)).r, rewritten);
  }
});

Deno.test("functions become parenthesised expressions; methods and accessors stay", () => {
  assert.deepEqual(
    eagerCompiled(`import{x}from"./a.js";g(y=>y);function g(f){return f(1)}`),
    `import{x}from"./a.js";var g=(function g(f){return f(1)});g((y=>y));`,
  );
  assert.deepEqual(
    eagerCompiled(`const o={m(){return 1},get z(){return 2},k:(function(){})};`),
    `const o={m(){return 1},get z(){return 2},k:(function(){})};`,
  );
  assert.deepEqual(
    eagerCompiled(`function f(){"use strict";return g;function g(){return x=>y=>x}}`),
    `var f=(function f(){"use strict";var g=(function g(){return (x=>(y=>x))});return g;});`,
  );
});
