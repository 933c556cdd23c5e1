/**
 * `anaconda sites modify (--name N | --domain D) [options] [-y|--dry-run]`: changes
 * the values of a configured site in config.toml (in place: never a rename).
 * @module
 */
import type { App } from "../framework/app.ts";
import { leaf, type OptionValues } from "../framework/args.ts";
import { UsageError } from "../framework/errors.ts";
import { SITE_OPTIONS, WRITE_OPTIONS } from "./options.ts";
import { editSite } from "./site_edit.ts";

const MODIFY_OPTIONS = { ...SITE_OPTIONS, ...WRITE_OPTIONS };

export type ModifyOptions = OptionValues<typeof MODIFY_OPTIONS>;

export const command = leaf({
  name: "modify",
  description: "Modify a site in config.toml\n" +
    "The site is found by --name, else by --domain; it is changed in place, never renamed.",
  options: MODIFY_OPTIONS,
  examples: [
    "anaconda sites modify --name work --no-ssl-verify --yes",
    "anaconda sites modify --name work --ca-bundle /etc/ssl/corp-ca.pem --yes",
    "anaconda sites modify --domain anaconda.example.com --default --yes",
  ],
  run: (options, app) => runModify(options, app),
});

export async function runModify(options: ModifyOptions, app: App): Promise<void> {
  // A value option (its type is not known from the generated table).
  const query = options.name ?? (options.domain as string | undefined);
  const { modifySite } = await import("../../config/sites_model.ts");
  await editSite(app, options, (values) => {
    if (query === undefined) {
      throw new UsageError("You must supply at least one of --domain or --name to modify a site");
    }
    return (current) =>
      modifySite(current, {
        query,
        values,
        makeDefault: options.default ?? false,
        homeDir: app.context.homeDir(),
      });
  });
}
