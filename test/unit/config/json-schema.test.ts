import fs from "node:fs";
import path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { organisationJsonSchema } from "../../../config/json-schema";
import { AJV_OPTIONS } from "../../support/ajv";
import { exampleData, ORGANISATIONS_DIR } from "../../support/organisations";

const committed = JSON.parse(
  fs.readFileSync(path.join(ORGANISATIONS_DIR, "organisation.schema.json"), "utf8"),
);

describe("the editor JSON Schema", () => {
  it("is up to date with the zod schema (run npm run schemas:editor)", () => {
    expect(committed).toEqual(organisationJsonSchema());
  });

  const validate = addFormats(new Ajv2020(AJV_OPTIONS)).compile(committed);

  it.each(["faalkaart", "failmap-uk"])("accepts organisations/%s.yaml", (name) => {
    expect(validate(exampleData(name)) ? [] : validate.errors).toEqual([]);
  });

  it("flags a misspelt key, as the editor would", () => {
    expect(validate({ ...exampleData(), sever: {} })).toBe(false);
  });

  it("flags a state endpoint that is not a URI, as the editor would", () => {
    expect(validate({ ...exampleData(), state: { endpoint: "s3 at 127.0.0.1" } })).toBe(false);
    expect(validate.errors).toEqual([
      expect.objectContaining({ instancePath: "/state/endpoint", keyword: "format" }),
    ]);
  });
});
