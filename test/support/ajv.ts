import type { Options } from "ajv";

/**
 * ajv's options for the schema checks of the tests. strict: false allows the schemas' annotation keywords;
 * with it, ajv only warns about a format it does not know and then ignores it, so that field goes unchecked.
 * Here any warning is an error: a schema with such a format fails to compile, naming it. Add ajv-formats
 * (addFormats) to the instance for the standard formats.
 */
export const AJV_OPTIONS: Options = {
  allErrors: true,
  strict: false,
  logger: {
    log: console.log,
    warn: (...message: unknown[]) => {
      throw new Error(`ajv: ${message.join(" ")}`);
    },
    error: console.error,
  },
};
