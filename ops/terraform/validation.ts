import type { TerraformJson } from "./projection";

/** One diagnostic of `terraform validate -json`, as far as it is read here. */
interface Diagnostic {
  readonly severity: "error" | "warning";
  readonly summary: string;
  readonly detail?: string;
  readonly address?: string;
  readonly range?: { readonly filename: string; readonly start: { readonly line: number } };
}

/**
 * Every error and every warning in the output of `terraform validate -json`, one line each: severity,
 * summary, the block's address and the construct path cdktf recorded for it, file and line, and the detail.
 * A warning counts: what a provider warns about today (an attribute it ignores, one it will remove) is what
 * breaks a deploy later. Undefined when the output is not that JSON (terraform failed before validating).
 */
export function validationProblems(output: string, stack: TerraformJson): string[] | undefined {
  let diagnostics: Diagnostic[];
  try {
    diagnostics = (JSON.parse(output) as { diagnostics: Diagnostic[] }).diagnostics;
  } catch {
    return undefined;
  }
  if (!Array.isArray(diagnostics)) return undefined;
  return diagnostics.map((d) => {
    const where = d.address ? ` at ${d.address}${constructPath(stack, d.address)}` : "";
    const line = d.range ? `, ${d.range.filename} line ${d.range.start.line}` : "";
    const detail = d.detail ? `: ${d.detail.replace(/\s+/g, " ").trim()}` : "";
    return `${d.severity}: ${d.summary}${where}${line}${detail}`;
  });
}

/** ` (org-x/main/ipv4)`: the construct a block comes from, from the metadata cdktf writes into it. */
function constructPath(stack: TerraformJson, address: string): string {
  const parts = address.replace(/\[[^\]]*\]/g, "").split(".");
  const [kind, type, name] = parts[0] === "data" ? parts : ["resource", ...parts];
  const blocks = (kind === "data" ? stack.data : stack.resource)?.[type];
  const metadata = (blocks?.[name]?.["//"] as { metadata?: { path?: string } } | undefined)?.metadata;
  return metadata?.path ? ` (${metadata.path})` : "";
}
