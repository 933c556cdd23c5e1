/**
 * Runs the stand-in Anaconda service (scripts/stand_in/) from a shell, for `deno task
 * demo` and trying commands by hand:
 * ```sh
 * deno run -A scripts/dev-server.ts [--http] [--port N] [--auto-approve] [--no-device-endpoint]
 * ```
 * It prints its URL and CA path, and the environment to point `anaconda` at it.
 * @module
 */
import { type DevServerOptions, startDevServer } from "./stand_in/server.ts";

const USAGE =
  "Usage: deno run -A scripts/dev-server.ts [--http] [--port N] [--auto-approve] [--no-device-endpoint]";

/** The server options of the command-line flags; throws on an unknown flag. */
function parseArgs(args: string[]): DevServerOptions | "help" {
  const options: DevServerOptions = {};
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    switch (arg) {
      case "--http":
        options.http = true;
        break;
      case "--port":
        options.port = Number(args[++index]);
        if (!Number.isInteger(options.port)) throw new Error("--port needs a number");
        break;
      case "--auto-approve":
        options.deviceApproval = "on-visit";
        options.approveAfterPolls = 1;
        break;
      case "--no-device-endpoint":
        options.noDeviceEndpoint = true;
        break;
      case "-h":
      case "--help":
        return "help";
      default:
        throw new Error(`Unknown option ${arg}`);
    }
  }
  return options;
}

if (import.meta.main) {
  let options: DevServerOptions | "help";
  try {
    options = parseArgs(Deno.args);
  } catch (err) {
    console.error(`dev-server: ${(err as Error).message}\n${USAGE}`);
    Deno.exit(2);
  }
  if (options === "help") {
    console.log(USAGE);
    Deno.exit(0);
  }
  const server = await startDevServer(options);
  const cacert = server.caPath ? ` --cacert ${server.caPath}` : "";
  console.log(`Stand-in Anaconda service: ${server.url}`);
  if (server.caPath) console.log(`Test CA certificate: ${server.caPath}`);
  console.log(`conda repository (CONDA_TOKEN_REPO_URL): ${server.repo.url}`);
  console.log(`anaconda.org API: ${server.orgApi.url}`);
  console.log("Point anaconda at it with:");
  console.log(`  export ANACONDA_AUTH_DOMAIN=${server.domain}`);
  if (server.caPath) console.log(`  export ANACONDA_AUTH_SSL_VERIFY=${server.caPath}`);
  console.log(`Approve a device login: curl -X POST ${server.url}/dev/approve${cacert}`);
  console.log("Ctrl-C stops it.");
  const stop = async () => {
    await server.close();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", stop);
  if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", stop);
}
