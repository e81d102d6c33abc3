import { countChanges, type Action, type PlanCounts, type PlanSummary, type ResourceChange } from "./model";

// Colour codes, as CI logs keep them: ESC [ ... m.
const ANSI = new RegExp(String.fromCharCode(27) + "\\[[0-9;]*m", "g");
const HEADER =
  /#\s+(.+?)\s+(will be created|will be destroyed|will be updated in-place|must be replaced|is tainted, so must be replaced|will be read during apply|has changed|has been deleted)\s*$/;
const PLAN_LINE = /Plan: (?:\d+ to import, )?(\d+) to add, (\d+) to change, (\d+) to destroy/;
const NO_CHANGES = /No changes\.|Your infrastructure matches the configuration/;
const FORCED_ATTRIBUTE = /(?:^|\s)[-+~]\s+"?([\w.-]+)"?\s*(?:=|\{).*# forces replacement/;

const PHRASES: Record<string, { action: Action; drift?: true }> = {
  "will be created": { action: "create" },
  "will be destroyed": { action: "delete" },
  "will be updated in-place": { action: "update" },
  "must be replaced": { action: "replace" },
  "is tainted, so must be replaced": { action: "replace" },
  "will be read during apply": { action: "read" },
  "has changed": { action: "update", drift: true },
  "has been deleted": { action: "delete", drift: true },
};

type Found = { address: string; action: Action; forcedBy: string[] };

/**
 * Reads the human plan that `terraform plan` and `cdktf diff` print. cdktf prefixes lines with the stack
 * name and indents the rest, and CI logs may keep colour codes, so each line is matched on its tail.
 * The "Plan:" line wins over our own count, as it also covers anything the log cut off.
 */
export function parsePlanText(text: string): PlanSummary {
  const changes: Found[] = [];
  const drift: Found[] = [];
  let stated: PlanCounts | undefined;
  let noChanges = false;
  let current: Found | undefined;

  for (const raw of text.split("\n")) {
    const line = raw.replace(ANSI, "");
    const header = HEADER.exec(line);
    if (header) {
      const { action, drift: isDrift } = PHRASES[header[2]];
      current = { address: header[1], action, forcedBy: [] };
      (isDrift ? drift : changes).push(current);
      continue;
    }
    const forced = FORCED_ATTRIBUTE.exec(line);
    if (forced && current?.action === "replace") current.forcedBy.push(forced[1]);
    const plan = PLAN_LINE.exec(line);
    if (plan) stated = { add: Number(plan[1]), change: Number(plan[2]), destroy: Number(plan[3]) };
    if (NO_CHANGES.test(line)) noChanges = true;
  }

  const tidy = (list: Found[]): ResourceChange[] =>
    list.map(({ address, action, forcedBy }) =>
      forcedBy.length ? { address, action, forcedBy } : { address, action },
    );
  return {
    found: stated !== undefined || noChanges,
    changes: tidy(changes),
    drift: tidy(drift),
    counts: stated ?? countChanges(changes),
  };
}
