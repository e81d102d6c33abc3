import { problemsAfter } from "./load-report";

/* Issue 20: a Prometheus retention past what Prometheus parses as a duration is refused, not a crash loop. */

const problems = (retentionDays: number) =>
  problemsAfter((d) => (d.monitoring.retentionDays = retentionDays));

describe("monitoring.retentionDays", () => {
  it("is refused past Prometheus's longest duration (106751 days), naming the field", () => {
    expect(problems(106_752)).toEqual([
      expect.stringMatching(
        /^organisations\/faalkaart\.yaml:\d+: monitoring\.retentionDays: is past what Prometheus reads as a duration \(106751 days/,
      ),
    ]);
  });

  it("is accepted up to it", () => {
    expect(problems(106_751)).toEqual([]);
  });
});
