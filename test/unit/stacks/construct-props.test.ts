import fs from "node:fs";
import path from "node:path";

/*
 * The AWS CDK construct guidelines: every optional prop of a construct says what happens without it, with a
 * @default tag, so a reader never has to open the constructor to find out.
 */
const ROOT = path.resolve(__dirname, "../../..");

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(relative);
    return entry.name.endsWith(".ts") ? [relative] : [];
  });
}

/** `file:line: prop` for each optional member of an exported *Props interface without @default in its doc. */
function undocumentedDefaults(file: string): string[] {
  const lines = fs.readFileSync(path.join(ROOT, file), "utf8").split("\n");
  const missing: string[] = [];
  let inProps = false;
  lines.forEach((line, i) => {
    if (/^export interface \w+Props\b/.test(line)) inProps = true;
    else if (inProps && line.startsWith("}")) inProps = false;
    else if (inProps && /^\s+readonly \w+\?:/.test(line)) {
      let doc = "";
      for (let j = i - 1; j >= 0 && /^\s*(\/\*\*|\*)/.test(lines[j]); j--) doc = lines[j] + doc;
      if (!doc.includes("@default")) missing.push(`${file}:${i + 1}: ${line.trim()}`);
    }
  });
  return missing;
}

test("every optional construct prop has a @default", () => {
  const files = [...sources("constructs"), ...sources("stacks")];
  expect(files.length).toBeGreaterThan(50);
  expect(files.flatMap(undocumentedDefaults)).toEqual([]);
});
