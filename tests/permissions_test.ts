import { assertEquals } from "./assert.ts";
import { RUN_PERMISSIONS } from "../scripts/permissions.ts";

Deno.test("the anaconda task runs main.ts with exactly the CLI's permissions", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  assertEquals(config.tasks.anaconda, `deno run ${RUN_PERMISSIONS.join(" ")} main.ts`);
});

Deno.test("deno.json's package version is the CLI's version, and it exports mod.ts", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  const { VERSION } = await import("../src/version.ts");
  assertEquals([config.version, config.exports["."]], [VERSION, "./mod.ts"]);
});
