// Writes organisations/organisation.schema.json from the zod schema; a unit test keeps the two in step.
import fs from "node:fs";
import path from "node:path";
import { organisationJsonSchema } from "../../config/json-schema";

const target = path.resolve(__dirname, "../../organisations/organisation.schema.json");
fs.writeFileSync(target, `${JSON.stringify(organisationJsonSchema(), null, 2)}\n`);
console.log(`wrote ${path.relative(process.cwd(), target)}`);
