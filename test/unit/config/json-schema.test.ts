import fs from "node:fs";
import path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { organisationJsonSchema } from "../../../config/json-schema";
import { exampleData, ORGANISATIONS_DIR } from "../../support/organisations";

const committed = JSON.parse(
  fs.readFileSync(path.join(ORGANISATIONS_DIR, "organisation.schema.json"), "utf8"),
);

describe("the editor JSON Schema", () => {
  it("is up to date with the zod schema (run npm run schemas:editor)", () => {
    expect(committed).toEqual(organisationJsonSchema());
  });

  const validate = new Ajv2020({ strict: false, allErrors: true, validateFormats: false }).compile(committed);

  it.each(["faalkaart", "failmap-uk"])("accepts organisations/%s.yaml", (name) => {
    expect(validate(exampleData(name)) ? [] : validate.errors).toEqual([]);
  });

  it("flags a misspelt key, as the editor would", () => {
    expect(validate({ ...exampleData(), sever: {} })).toBe(false);
  });
});
