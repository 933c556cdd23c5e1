/**
 * Rewrites a chunk of the bundle so that V8 compiles its functions together with the
 * module instead of on their first call. Deno stores V8's code cache of a module as it
 * is right after compiling it, so only functions compiled then are in the cache; the
 * others are parsed and compiled again in every process that calls them (about 25 µs
 * each, and `auth api-key` calls a hundred). V8 compiles a function at once when it is
 * a parenthesised expression (its guess for "called immediately"), so:
 *
 * - every function or arrow expression gets parentheses: `f(x=>x)` -> `f((x=>x))`;
 * - a function declaration directly in a module or function body becomes a
 *   parenthesised `var` at the top of that body (where the declaration's binding was
 *   already created, so calls before it still work):
 *   `g();function g(){}` -> `var g=(function g(){});g();`.
 *
 * Methods, accessors, constructors and declarations inside blocks stay as they are.
 * Only the functions the hot commands run are rewritten: compiled code makes the cache
 * bigger, and every process reads the whole cache.
 * @module
 */
import * as acorn from "acorn";

/** A text to insert at a position (`order` sorts insertions at the same position). */
interface Insertion {
  at: number;
  order: number;
  text: () => string;
}

// deno-lint-ignore no-explicit-any -- ESTree nodes from acorn, walked generically
type Node = any;

/** Every child node of `node`, in source order. */
function children(node: Node): Node[] {
  const found: Node[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === "loc" || key === "range") continue;
    if (Array.isArray(value)) {
      for (const item of value) if (item && typeof item.type === "string") found.push(item);
    } else if (value && typeof value === "object" && typeof (value as Node).type === "string") {
      found.push(value);
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

/** The body statements of a function (or the program) whose declarations are hoisted. */
function bodyOf(node: Node): { statements: Node[]; insertAt: number } | null {
  if (node.type === "Program") {
    const imports = node.body.filter((statement: Node) => statement.type === "ImportDeclaration");
    return { statements: node.body, insertAt: imports.at(-1)?.end ?? 0 };
  }
  const isFunction = node.type === "FunctionDeclaration" || node.type === "FunctionExpression" ||
    node.type === "ArrowFunctionExpression";
  if (isFunction && node.body?.type === "BlockStatement") {
    // After the directive prologue ("use strict"), which must stay first.
    const directives = node.body.body.filter((statement: Node) => statement.directive);
    return { statements: node.body.body, insertAt: directives.at(-1)?.end ?? node.body.start + 1 };
  }
  return null;
}

/**
 * `code` (an ES module) with its functions compiled eagerly by V8, as described above;
 * with `ends`, only the functions that end at one of these positions (V8 and ESTree
 * agree on where a function ends, not on where it starts).
 */
export function eagerCompiled(code: string, ends?: ReadonlySet<number>): string {
  const program = acorn.parse(code, {
    ecmaVersion: "latest",
    sourceType: "module",
    preserveParens: true,
  });
  const insertions: Insertion[] = [];
  /** Ranges cut out of their place (hoisted declarations), by start. */
  const moved = new Map<number, number>();

  /**
   * The code from `start` to `end` with the insertions inside it; at its ends, only the
   * parentheses of the node it spans (or, for the whole module, everything).
   */
  const render = (start: number, end: number, whole = false): string => {
    const inside = insertions.filter((insertion) =>
      (insertion.at > start && insertion.at < end) || whole ||
      (insertion.at === start && insertion.order >= 1) ||
      (insertion.at === end && insertion.order < 0)
    ).sort((a, b) => a.at - b.at || a.order - b.order);
    let text = "";
    let at = start;
    for (const insertion of inside) {
      if (insertion.at < at) continue; // inside a range cut out
      text += code.slice(at, insertion.at) + insertion.text();
      at = insertion.at;
      const cutEnd = moved.get(at);
      if (cutEnd !== undefined && insertion.order === 0) at = cutEnd;
    }
    return text + code.slice(at, end);
  };

  const visit = (node: Node, parent: Node | null, depth: number) => {
    const isMethodValue = parent !== null &&
      (parent.type === "MethodDefinition" || (parent.type === "Property" &&
        (parent.method || parent.kind !== "init")));
    const wrapped = parent?.type === "ParenthesizedExpression";
    if (
      (node.type === "FunctionExpression" || node.type === "ArrowFunctionExpression") &&
      !isMethodValue && !wrapped && (ends === undefined || ends.has(node.end))
    ) {
      // Opening parentheses of outer expressions first, closing ones of inner first.
      insertions.push({ at: node.start, order: 1 + depth, text: () => "(" });
      insertions.push({ at: node.end, order: -1 - depth, text: () => ")" });
    }
    const body = bodyOf(node);
    if (body) {
      const declarations = body.statements.filter((statement: Node) =>
        statement.type === "FunctionDeclaration" && (ends === undefined || ends.has(statement.end))
      );
      for (const declaration of declarations) {
        moved.set(declaration.start, declaration.end);
        // Cut out where it was (an empty insertion marks the cut)...
        insertions.push({ at: declaration.start, order: 0, text: () => "" });
      }
      if (declarations.length > 0) {
        // ...and defined first in its body, compiled with the module.
        insertions.push({
          at: body.insertAt,
          // Before a cut at the same place (the first declaration of the module).
          order: -0.5,
          text: () =>
            declarations.map((declaration: Node) =>
              `var ${declaration.id.name}=(${render(declaration.start, declaration.end)});`
            ).join(""),
        });
      }
    }
    for (const child of children(node)) visit(child, node, depth + 1);
  };
  visit(program, null, 0);
  return render(0, code.length, true);
}
