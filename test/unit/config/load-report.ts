import { stringify } from "yaml";
import { formatProblem, formatWarning, OrganisationConfigError } from "../../../config/errors";
import { loadFiles } from "../../../config/load";
import { exampleData } from "../../support/organisations";

export type Data = Record<string, any>;

export interface Source {
  file: string;
  readonly text: string;
}

/** An example organisation file (faalkaart unless named otherwise) with `edit` applied to its data. */
export function exampleSource(edit: (d: Data) => void = () => undefined, name = "faalkaart"): Source {
  const data = exampleData(name) as Data;
  edit(data);
  return { file: `organisations/${name}.yaml`, text: stringify(data, { lineWidth: 0 }) };
}

/** What loading the files reports, as printed: its problems (none when they load), or else its warnings. */
export function loadReport(sources: Source[]): { problems: string[]; warnings: string[] } {
  try {
    const loaded = loadFiles(sources);
    return { problems: [], warnings: loaded.flatMap((l) => l.warnings.map(formatWarning)) };
  } catch (error) {
    if (error instanceof OrganisationConfigError) {
      return { problems: error.problems.map(formatProblem), warnings: [] };
    }
    throw error;
  }
}

/** The problems of the files, as printed; none when they load. */
export const problemsOf = (sources: Source[]): string[] => loadReport(sources).problems;

/** The problems of the example organisation with `edit` applied, as printed; none when it loads. */
export const problemsAfter = (edit: (d: Data) => void, name?: string): string[] =>
  problemsOf([exampleSource(edit, name)]);
