import { assertEquals, assertMatch } from "./assert.ts";
import { runCli, tempHome } from "./support.ts";
import { VERSION } from "../src/version.ts";

Deno.test("--version and -V print the version and exit 0", async () => {
  await using home = await tempHome();
  for (const flag of ["--version", "-V"]) {
    const result = await runCli([flag], { home: home.path });
    assertEquals(result, { code: 0, stdout: `anaconda-auth ${VERSION}\n`, stderr: "" });
  }
});

Deno.test("--help lists the global options and touches no file", async () => {
  await using home = await tempHome();
  const result = await runCli(["--help"], { home: home.path });
  assertEquals(result.code, 0);
  assertMatch(result.stdout, /--at <site>/);
  assertMatch(result.stdout, /-v, --verbose/);
  assertEquals([...Deno.readDirSync(home.path)], []);
});

Deno.test("an unknown option is a usage error with exit code 2", async () => {
  await using home = await tempHome();
  const result = await runCli(["--bogus"], { home: home.path });
  assertEquals(result.code, 2);
  assertEquals(result.stdout, "");
  assertMatch(result.stderr, /unknown option '--bogus'/);
});
