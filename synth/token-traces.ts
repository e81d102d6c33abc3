import { createRequire } from "node:module";

interface StackTraceModule {
  captureStackTrace: () => string[];
}

/**
 * cdktf records a full stack trace for every token it creates (each reference to an attribute, each Lazy
 * value) and formats it at once, only to quote it if that token later fails to resolve. That was a fifth of a
 * synth's CPU (bench/synth/RESULTS.md). Such an error keeps its message, without the trace of where the token
 * was made; with cdktf's debug log level (CDKTF_LOG_LEVEL=debug) the traces are kept, for the error that needs one.
 */
export function skipTokenTraces(env: NodeJS.ProcessEnv = process.env): void {
  if (["debug", "trace"].includes(env.CDKTF_LOG_LEVEL?.toLowerCase() ?? "")) return;
  // The module object itself (not an import's copy of it): cdktf reads captureStackTrace from it at each call.
  const traces = createRequire(__filename)("cdktf/lib/tokens/private/stack-trace") as StackTraceModule;
  traces.captureStackTrace = () => [];
}
