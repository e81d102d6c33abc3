import { stringify } from "yaml";
import { formatProblem, OrganisationConfigError } from "../../../config/errors";
import { loadFiles } from "../../../config/load";
import { exampleData } from "../../support/organisations";

/* Issue 20: an operator key equal to the server's host key is refused, naming the user's key. */

type Data = Record<string, any>;

function problems(edit: (d: Data) => void): string[] {
  const data = exampleData("failmap-uk") as Data;
  edit(data);
  try {
    loadFiles([{ file: "organisations/failmap-uk.yaml", text: stringify(data, { lineWidth: 0 }) }]);
    return [];
  } catch (error) {
    if (error instanceof OrganisationConfigError) return error.problems.map(formatProblem);
    throw error;
  }
}

describe("a user key that is the server's host key", () => {
  it("is refused, whatever its comment, with the file, line and field", () => {
    const found = problems(
      (d) => (d.users[0].keys[0] = `${d.server.hostKey.split(" ").slice(0, 2).join(" ")} me`),
    );
    expect(found).toEqual([
      expect.stringMatching(
        /^organisations\/failmap-uk\.yaml:\d+: users\.0\.keys\.0: is the server's own host key \(server\.hostKey\).*paste the user's own public key/,
      ),
    ]);
  });

  it("leaves the example's own keys alone", () => {
    expect(problems(() => undefined)).toEqual([]);
  });
});
