import { formatProblem } from "../../config/errors";
import type { LoadedOrganisation } from "../../config/load";
import { warning, type Finding } from "./finding";

/**
 * The organisation file's own warnings (SSH open to the whole internet), the same ones every synth prints:
 * accepted, because an operator can mean them, but never without a word.
 */
export function checkConfigWarnings({ warnings }: LoadedOrganisation): Finding[] {
  return warnings.map((w) =>
    warning(formatProblem(w), "keep it only if it is on purpose; every synth and doctor will keep saying so"),
  );
}
