/* global module: writable */
/*
 * The import rule of docs/architecture.md: the product points one way, config → model → constructs → stacks →
 * main.ts (with synth/), and imports none of the tools (ops/, scripts/, rehearsal/, test/, bench/), which may
 * import the product; no file, product or tool, is part of a circle of imports. `npm run lint` runs it;
 * type-only imports count, since they tie the layers as well.
 */
const PRODUCT = "^(main\\.ts|synth/|config/|constructs/|stacks/)";
const TOOLS = "^(ops|scripts|rehearsal|test|bench)/";
const MODEL = "^config/model/";
/** The organisation file as the model reads it: its types and the data tables beside them. */
const FILE_TYPES = "^config/(schema\\.ts|data/)";

module.exports = {
  forbidden: [
    {
      name: "product-imports-tool",
      comment: "The product (main.ts, synth/, config/, constructs/, stacks/) imports none of the tools.",
      severity: "error",
      from: { path: PRODUCT },
      to: { path: TOOLS },
    },
    {
      name: "config-imports-upward",
      comment: "config/ (with the model) is the bottom layer: it imports no construct, stack or synth code.",
      severity: "error",
      from: { path: "^config/" },
      to: { path: "^(main\\.ts|synth/|constructs/|stacks/)" },
    },
    {
      name: "model-imports-checks",
      comment:
        "The model is built from a valid file: it reads the file's types, not the loading or the checks.",
      severity: "error",
      from: { path: MODEL },
      to: { path: "^config/", pathNot: [MODEL, FILE_TYPES] },
    },
    {
      name: "loading-below-the-app",
      comment: "Only main.ts and synth/ load organisation files; everything below gets a loaded, valid one.",
      severity: "error",
      from: { path: "^(config|constructs|stacks)/", pathNot: "^config/load\\.ts$" },
      to: { path: "^config/(load|parse)\\.ts$" },
    },
    {
      name: "constructs-import-upward",
      comment: "Constructs are placed by the stacks; they import no stack, no synth code and not main.ts.",
      severity: "error",
      from: { path: "^constructs/" },
      to: { path: "^(main\\.ts|synth/|stacks/)" },
    },
    {
      name: "stacks-import-upward",
      comment: "Stacks are built by main.ts; they import neither it nor synth/.",
      severity: "error",
      from: { path: "^stacks/" },
      to: { path: "^(main\\.ts|synth/)" },
    },
    {
      name: "synth-imports-stacks",
      comment: "synth/ picks and splits the organisations; main.ts alone builds stacks and constructs.",
      severity: "error",
      from: { path: "^synth/" },
      to: { path: "^(main\\.ts|constructs/|stacks/)" },
    },
    {
      name: "no-circular",
      comment: "No file reaches itself through its imports, in the product or in the tools.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|\\.gen|cdktf\\.out|dist)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
  },
};
