import { stringify } from "yaml";
import { formatProblem, OrganisationConfigError } from "../../../config/errors";
import { loadFiles } from "../../../config/load";
import { exampleData } from "../../support/organisations";

/* Issue 20: a Prometheus retention past what Prometheus parses as a duration is refused, not a crash loop. */

function problems(retentionDays: number): string[] {
  const data = exampleData() as Record<string, any>;
  data.monitoring.retentionDays = retentionDays;
  try {
    loadFiles([{ file: "organisations/faalkaart.yaml", text: stringify(data) }]);
    return [];
  } catch (error) {
    if (error instanceof OrganisationConfigError) return error.problems.map(formatProblem);
    throw error;
  }
}

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
