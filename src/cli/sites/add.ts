/**
 * `anaconda sites add --domain D [--name N] [--default] [options] [-y|--dry-run]`:
 * adds a `[sites.<name>]` table to config.toml.
 * @module
 */
import type { App } from "../framework/app.ts";
import { leaf, type OptionValues, toggle } from "../framework/args.ts";
import { UsageError } from "../framework/errors.ts";
import type { SitesFile } from "../../config/sites_model.ts";
import { escapeControl } from "../../text.ts";
import { SITE_OPTIONS, WRITE_OPTIONS } from "./options.ts";
import { editSite } from "./site_edit.ts";

const ADD_OPTIONS = {
  ...SITE_OPTIONS,
  removeAnacondaCom: toggle(
    "--remove-anaconda-com",
    "remove the implicit anaconda.com site (default: remove it)",
  ),
  ...WRITE_OPTIONS,
};

export type AddOptions = OptionValues<typeof ADD_OPTIONS>;

export const command = leaf({
  name: "add",
  description: "Add a site to config.toml\n" +
    "--domain is required; the site's name defaults to its domain.",
  options: ADD_OPTIONS,
  examples: [
    "anaconda sites add --domain anaconda.example.com --name work --default --yes",
    "anaconda sites add --domain example.com --ca-bundle ~/corp-ca.pem --yes",
    "anaconda sites add --domain anaconda.example.com --no-ssl-verify --dry-run",
  ],
  run: (options, app) => runAdd(options, app),
});

/** The sites of `file` that keep their place and already have `domain`. */
export function sitesWithDomain(file: SitesFile, domain: string, removeAnacondaCom: boolean) {
  return file.sites.filter((site) =>
    (site.table.domain ?? "anaconda.com") === domain &&
    !(removeAnacondaCom && site.name === "anaconda.com")
  );
}

export async function runAdd(options: AddOptions, app: App): Promise<void> {
  const { context } = app;
  const removeAnacondaCom = options.removeAnacondaCom ?? true;
  const { addSite } = await import("../../config/sites_model.ts");
  await editSite(app, options, (values, file) => {
    if (values.domain === undefined) {
      // "to a add" is the Python tool's typo, kept on purpose for scripts (docs/behaviour.md, "Kept
      // on purpose").
      throw new UsageError("You must supply at least --domain to a add a new site");
    }
    const domain = String(values.domain);
    const name = options.name ?? domain;
    const same = sitesWithDomain(file, domain, removeAnacondaCom);
    if (same.length > 0 && !same.some((site) => site.name === name)) {
      // Two sites of one domain are legal but rarely meant: say so before the diff and the
      // question (the write goes ahead only with --yes or a yes).
      const names = same.map((site) => escapeControl(site.name)).join(", ");
      context.stderr.write(
        `Warning: the domain ${escapeControl(domain)} is already configured as site ${names}; ` +
          `this adds a second site for it (to change that one: anaconda sites modify --name ${
            escapeControl(same[0]!.name)
          })\n`,
      );
    }
    return (current) =>
      addSite(current, {
        name,
        values,
        makeDefault: options.default ?? false,
        removeAnacondaCom,
        homeDir: context.homeDir(),
      });
  });
}
