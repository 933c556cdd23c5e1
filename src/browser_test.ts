import assert from "node:assert/strict";
import { fakeContext } from "../tests/fake_context.ts";
import { browserCommands, openBrowser } from "./browser.ts";

const URL_TO_OPEN = "https://example.test/activate?user_code=AB-CD";

Deno.test("$BROWSER entries come first; %s stands for the URL; then the platform openers", () => {
  const context = fakeContext({
    env: { BROWSER: "firefox --new-window:my-open %s --flag" },
    os: "linux",
  });
  assert.deepEqual(browserCommands(URL_TO_OPEN, context), [
    ["firefox", ["--new-window", URL_TO_OPEN]],
    ["my-open", [URL_TO_OPEN, "--flag"]],
    ["xdg-open", [URL_TO_OPEN]],
    ["gio", ["open", URL_TO_OPEN]],
    ["sensible-browser", [URL_TO_OPEN]],
  ]);
  assert.deepEqual(browserCommands(URL_TO_OPEN, fakeContext({ os: "darwin" })), [
    ["open", [URL_TO_OPEN]],
  ]);
});

Deno.test("$BROWSER on Windows is split at `;` (Python's os.pathsep): its paths hold `:`", () => {
  const context = fakeContext({
    env: { BROWSER: "C:\\tools\\deno.exe run C:\\t\\browser.ts;D:\\firefox.exe %s" },
    os: "windows",
  });
  assert.deepEqual(browserCommands(URL_TO_OPEN, context), [
    ["C:\\tools\\deno.exe", ["run", "C:\\t\\browser.ts", URL_TO_OPEN]],
    ["D:\\firefox.exe", [URL_TO_OPEN]],
    ["cmd", ["/c", "start", '""', URL_TO_OPEN]],
  ]);
});

Deno.test("openBrowser stops at the first opener that works, and reports when none does", async () => {
  const tried: string[] = [];
  const context = fakeContext({ env: { BROWSER: "broken:working" }, os: "linux" });
  const opened = await openBrowser(URL_TO_OPEN, context, (program) => {
    tried.push(program);
    return Promise.resolve(program === "working");
  });
  assert.equal(opened, true);
  assert.deepEqual(tried, ["broken", "working"]);
  assert.equal(await openBrowser(URL_TO_OPEN, context, () => Promise.resolve(false)), false);
});
