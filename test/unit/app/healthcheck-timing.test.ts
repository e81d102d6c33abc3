import {
  durationSeconds,
  goDuration,
  healthyWithinSeconds,
} from "../../../constructs/app/healthcheck-timing";

describe("healthcheck durations, as docker reports them", () => {
  it.each([
    [0, "0s"],
    [30, "30s"],
    [60, "1m0s"],
    [90, "1m30s"],
    [3600, "1h0m0s"],
    [3725, "1h2m5s"],
  ])("writes %i seconds as Go prints them: %s", (seconds, text) => {
    expect(goDuration(seconds)).toBe(text);
    expect(durationSeconds(text)).toBe(seconds);
  });

  it("reads other spellings, and refuses what is not a duration", () => {
    expect(durationSeconds("60s")).toBe(60);
    expect(durationSeconds("1m")).toBe(60);
    expect(durationSeconds("500ms")).toBe(0.5);
    expect(durationSeconds("30")).toBeUndefined();
    expect(durationSeconds("1 m")).toBeUndefined();
    expect(() => goDuration(1.5)).toThrow(/not a whole number of seconds/);
  });

  it("gives a container its start period and docker's retries before the apply gives up on it", () => {
    expect(healthyWithinSeconds({ interval: "10s", timeout: "5s", startPeriod: "1m0s", retries: 2 })).toBe(
      60 + 3 * 15,
    );
    // Docker's defaults for what is left out: 30 s interval, 30 s timeout, 3 retries.
    expect(healthyWithinSeconds({})).toBe(4 * 60);
    expect(healthyWithinSeconds({ interval: "0s" })).toBe(4 * 60);
  });
});
