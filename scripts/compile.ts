/**
 * Builds one self-contained executable per OS with `deno compile` into dist/.
 * Needs internet access (deno compile downloads `denort` for each target), so it runs
 * on release machines, not in the offline CI.
 *
 *   deno task compile            # every target
 *   deno task compile <target>   # one target, e.g. x86_64-unknown-linux-gnu
 * @module
 */
import { RUN_PERMISSIONS } from "./permissions.ts";

export const TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
] as const;

async function compile(target: string): Promise<void> {
  const suffix = target.includes("windows") ? ".exe" : "";
  const output = `dist/anaconda-${target}${suffix}`;
  // Windows needs FFI for the Credential Manager (advapi32); other OSes do not.
  const permissions = target.includes("windows")
    ? [...RUN_PERMISSIONS, "--allow-ffi"]
    : RUN_PERMISSIONS;
  const command = new Deno.Command(Deno.execPath(), {
    args: [
      "compile",
      "--no-check",
      ...permissions,
      "--target",
      target,
      "--output",
      output,
      "main.ts",
    ],
    stdout: "inherit",
    stderr: "inherit",
  });
  const { code } = await command.output();
  if (code !== 0) throw new Error(`deno compile for ${target} failed with exit code ${code}`);
  console.log(`built ${output}`);
}

if (import.meta.main) {
  const wanted = Deno.args.length > 0 ? Deno.args : [...TARGETS];
  for (const target of wanted) {
    if (!(TARGETS as readonly string[]).includes(target)) {
      console.error(`unknown target ${target}; known: ${TARGETS.join(", ")}`);
      Deno.exit(2);
    }
    await compile(target);
  }
}
