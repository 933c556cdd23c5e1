/**
 * The `anaconda token` command group: repo tokens of Anaconda's premium repository and conda's
 * configuration for it, without conda (docs/behaviour.md, "Repo tokens and conda"; D51-D62).
 * @module
 */
import { group } from "../framework/args.ts";

export const command = group({
  name: "token",
  description: "Manage your Anaconda repo tokens and conda's configuration for them",
  commands: [
    { name: "install", load: async () => (await import("./install.ts")).command },
    { name: "list", load: async () => (await import("./list.ts")).command },
    { name: "config", load: async () => (await import("./config.ts")).command },
    { name: "uninstall", load: async () => (await import("./uninstall.ts")).command },
    { name: "set", load: async () => (await import("./set.ts")).command },
    { name: "remove", load: async () => (await import("./remove.ts")).command },
  ],
  examples: ["anaconda token install", "anaconda token list"],
});
