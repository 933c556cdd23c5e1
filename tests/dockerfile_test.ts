/**
 * docs/Dockerfile cannot be built here (no Docker engine), so it is checked as text:
 * valid instructions (the linter of VS Code's Docker support), files it copies exist,
 * and the image runs `anaconda` as a non-root user with a HOME.
 * @module
 */
import assert from "node:assert/strict";
import { validate } from "dockerfile-utils";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const TEXT = await Deno.readTextFile(`${ROOT}docs/Dockerfile`);

Deno.test("the Dockerfile example has no syntax or instruction errors", () => {
  assert.deepEqual(
    validate(TEXT).map((problem) => `${problem.range.start.line + 1}: ${problem.message}`),
    [],
  );
});

Deno.test("the Dockerfile copies files that exist, from the repository root", async () => {
  const sources = [...TEXT.matchAll(/^COPY\s+(?!--from)(\S+)\s+\S+$/gm)].map((match) => match[1]!);
  assert.deepEqual(sources, ["scripts/install.sh"]);
  for (const source of sources) {
    assert.deepEqual((await Deno.stat(`${ROOT}${source}`)).isFile, true);
  }
});

Deno.test("the image runs anaconda as a non-root user with a HOME", () => {
  const finalStage = TEXT.slice(TEXT.lastIndexOf("\nFROM "));
  const user = finalStage.match(/^USER\s+(\S+)$/m)?.[1] ?? "root";
  assert.deepEqual(["root", "0", "0:0"].includes(user), false, `USER ${user}`);
  assert.match(finalStage, /^ENV HOME=\/home\/\w+$/m);
  assert.match(finalStage, /^COPY --from=download \/out\/anaconda \/usr\/local\/bin\/anaconda$/m);
  assert.match(finalStage, /^ENTRYPOINT \["anaconda"\]$/m);
  assert.match(TEXT, /sh \/tmp\/install\.sh --dir \/out$/m);
});
