/**
 * The few things asked of a `conda` on PATH, when there is one (D52): its base prefix (for
 * `--system`) and cleaning its index cache after `.condarc` changes. Without conda both are
 * quietly skipped; every run has a time limit.
 * @module
 */
import type { Context } from "../context.ts";
import { dirName } from "../path.ts";
import { errorMessage } from "../errors.ts";

/** How long `conda info --base` and `conda clean` may take. */
export const CONDA_TIMEOUT_MS = 60_000;

/** The outcome of running conda: its output, or null when there is no conda on PATH. */
async function runConda(context: Context, args: string[]) {
  try {
    return await context.spawn("conda", args, { timeoutMs: CONDA_TIMEOUT_MS });
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
}

/**
 * conda's base prefix as the environment tells it, without running conda:
 * `$CONDA_ROOT`, else two folders above `$CONDA_EXE` (`<base>/bin/conda`,
 * `<base>\Scripts\conda.exe`); null when neither is set.
 */
export function knownBasePrefix(env: Context["env"]): string | null {
  const root = env.get("CONDA_ROOT");
  if (root) return root;
  const exe = env.get("CONDA_EXE");
  return exe ? dirName(dirName(exe)) : null;
}

/**
 * conda's base prefix: `knownBasePrefix`, else `conda info --base`; null when none of
 * them tells.
 */
export async function condaBasePrefix(context: Context): Promise<string | null> {
  const known = knownBasePrefix(context.env);
  if (known !== null) return known;
  try {
    const result = await runConda(context, ["info", "--base"]);
    const base = result?.code === 0 ? result.stdout.trim() : "";
    return base === "" ? null : base;
  } catch {
    return null;
  }
}

/**
 * Runs `conda clean -i -y -q` so that conda reloads the channels' index. Returns a
 * warning when conda is there but the clean failed; null when it worked or there is
 * no conda.
 */
export async function cleanIndexCache(context: Context): Promise<string | null> {
  try {
    const result = await runConda(context, ["clean", "-i", "-y", "-q"]);
    if (result === null || result.code === 0) return null;
    const detail = (result.stderr.trim() || result.stdout.trim()).split("\n").at(-1) ?? "";
    return `conda clean -i failed (exit ${result.code})${detail ? `: ${detail}` : ""}`;
  } catch (err) {
    return `conda clean -i failed: ${errorMessage(err)}`;
  }
}
