/**
 * The `anaconda auth` command group (alias `cloud`, as in the Python tool).
 * @module
 */
import { group } from "../framework/args.ts";

export const command = group({
  name: "auth",
  description: "Log in to an Anaconda site and manage its API key",
  commands: [
    { name: "login", load: async () => (await import("./login.ts")).command },
    { name: "api-key", load: async () => (await import("./api_key.ts")).command },
    { name: "logout", load: async () => (await import("./logout.ts")).command },
    { name: "status", load: async () => (await import("./status.ts")).command },
    { name: "whoami", load: async () => (await import("./whoami.ts")).command },
    { name: "doctor", load: async () => (await import("./doctor.ts")).command },
  ],
  examples: ["anaconda auth login --at work", "anaconda auth status", "anaconda auth doctor"],
});
