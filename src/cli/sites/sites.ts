/**
 * The `anaconda sites` command group: list, show, add, modify, remove.
 * @module
 */
import { group } from "../framework/args.ts";

export const command = group({
  name: "sites",
  description: "Manage your Anaconda site configuration",
  commands: [
    { name: "list", load: async () => (await import("./list.ts")).command },
    { name: "show", load: async () => (await import("./show.ts")).command },
    { name: "add", load: async () => (await import("./add.ts")).command },
    { name: "modify", load: async () => (await import("./modify.ts")).command },
    { name: "remove", load: async () => (await import("./remove.ts")).command },
  ],
  examples: ["anaconda sites list", "anaconda sites add --domain anaconda.example.com --yes"],
});
