import {
  cloudOptionsFromEnv,
  cloudOptionsToEnv,
  CLOUD_OPTION_ENV,
} from "../../../../rehearsal/rehearse/local-cloud";

describe("what a test asks of the local cloud, through the cloud process's environment", () => {
  it("arrives as it was asked: more app images and pebble's validity", () => {
    const options = { appImages: ["websecmap/websecmap:2", "example/app:3"], acmeValiditySeconds: 2_679_720 };
    expect(cloudOptionsFromEnv(cloudOptionsToEnv(options))).toEqual(options);
  });

  it("sets nothing when nothing is asked, and the cloud then uses the file's images and pebble's validity", () => {
    expect(cloudOptionsToEnv({})).toEqual({});
    expect(cloudOptionsFromEnv({})).toEqual({ appImages: undefined, acmeValiditySeconds: undefined });
  });

  it("ignores a validity that is not a whole number of seconds", () => {
    expect(cloudOptionsFromEnv({ [CLOUD_OPTION_ENV.acmeValiditySeconds]: "soon" }).acmeValiditySeconds).toBe(
      undefined,
    );
  });
});
