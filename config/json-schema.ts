import { z } from "zod";
import { LETS_ENCRYPT_DIRECTORIES } from "./acme-directory";
import { acmeDirectory, cidr, organisationSchema } from "./schema";

/**
 * The JSON Schema editors use to complete and check organisation files (yaml-language-server). zod stays the
 * authority; where its exported pattern is narrower than its own check (IPv6 CIDRs such as
 * 2001:db8:1234::/48), the editor gets a looser hint rather than a false error; where zod checks in code
 * (acme.directory: a name or an https URL), the editor gets the same choice as a schema.
 */
export function organisationJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(organisationSchema, {
      io: "input",
      unrepresentable: "any",
      override: (ctx) => {
        if (ctx.zodSchema === cidr) {
          for (const key of Object.keys(ctx.jsonSchema)) delete ctx.jsonSchema[key];
          Object.assign(ctx.jsonSchema, {
            type: "string",
            pattern: "^[0-9A-Fa-f.:]+/[0-9]{1,3}$",
            description: "A CIDR network, e.g. 192.0.2.0/24 or 2001:db8::/32",
          });
        }
        if (ctx.zodSchema === acmeDirectory) {
          delete ctx.jsonSchema.type;
          ctx.jsonSchema.anyOf = [
            { type: "string", enum: Object.keys(LETS_ENCRYPT_DIRECTORIES) },
            { type: "string", format: "uri", pattern: "^https://" },
          ];
        }
      },
    }),
    title: "Failmap organisation",
    description: "One Failmap server stack: see organisations/faalkaart.yaml and docs/hosting.md.",
  };
}
