/**
 * conda's token files against Python itself: file names agree with `urllib`'s `quote_plus`,
 * and conda's own reader finds the token this tool wrote.
 * @module
 */
import assert from "node:assert/strict";
import { withHome } from "./support.ts";
import { runPython } from "./token_support.ts";
import { NO_PYTHON, unlessWine } from "./wine.ts";
import { quotePlus, setTokenFile } from "../src/conda/token_files.ts";

const REPO = "https://repo.anaconda.cloud/repo/";

Deno.test({
  ...unlessWine("quotePlus and unquotePlus agree with Python's urllib", NO_PYTHON),
}, async () => {
  const samples = [REPO, "https://x/y?a=1&b=2 3", "http://[::1]:8080/ä/€/😀", "~._-!*'()%+"];
  const result = await runPython(
    "import json, sys, urllib.parse as u\n" +
      "print(json.dumps([u.quote_plus(s, safe='') for s in json.load(sys.stdin)]))",
    { stdin: JSON.stringify(samples) },
  );
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(samples.map(quotePlus), JSON.parse(result.stdout));
});

Deno.test({ ...unlessWine("conda's own reader finds the token we wrote", NO_PYTHON) }, async () => {
  await withHome(async (home) => {
    const dir = `${home}/binstar/data`;
    await setTokenFile(dir, REPO, "tok-123");
    // conda.gateways.anaconda_client.read_binstar_tokens, without conda installed.
    const result = await runPython(
      `
import os, re, sys
from urllib.parse import unquote_plus
d = sys.argv[1] if len(sys.argv) > 1 else os.environ["DIR"]
for entry in os.scandir(d):
    if entry.name[-6:] == ".token":
        print(re.sub(r"\\.token$", "", unquote_plus(entry.name)), open(entry.path).read())
`,
      { env: { DIR: dir } },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `${REPO} tok-123\n`);
  });
});
