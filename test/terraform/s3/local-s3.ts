import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { readDirectory } from "../../../rehearsal/s3/directory";
import type { StoredObject } from "../../../rehearsal/s3/objects";
import type { Issued } from "../../system/nginx/pki";

const MAIN = path.resolve(__dirname, "../../../rehearsal/s3/main.ts");

export interface LocalS3 {
  /** `https://localhost:<port>` (the name the test certificate is issued for), or `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  readonly port: number;
  /**
   * The first request line, as `main.ts --log` prints them, that matches `pattern`. The server's output
   * arrives only while the event loop runs (not during a spawnSync), hence the wait.
   */
  logLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** The objects of `bucket` as the server keeps them in its directory. */
  objects(bucket: string): Map<string, StoredObject>;
  stop(): Promise<void>;
}

export interface LocalS3Options {
  readonly dir: string;
  readonly bucket: string;
  /** Serve HTTPS with it. @default plain HTTP, which the stack accepts on loopback only */
  readonly certificate?: Pick<Issued, "certPath" | "keyPath">;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** @default any free port */
  readonly port?: number;
}

/** Starts the local S3 through its command line, as an operator would, and waits for the endpoint it prints. */
export function startLocalS3(options: LocalS3Options): Promise<LocalS3> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      MAIN,
      ...["--port", String(options.port ?? 0), "--bucket", options.bucket, "--dir", options.dir],
      ...(options.certificate
        ? ["--cert", options.certificate.certPath, "--key", options.certificate.keyPath]
        : []),
      "--log",
      ...[
        "--access-key",
        options.credentials.accessKeyId,
        "--secret-key",
        options.credentials.secretAccessKey,
      ],
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail("printed no endpoint within 20 s"), 20_000);
    function fail(why: string) {
      clearTimeout(timer);
      child.kill();
      reject(new Error(`rehearsal/s3/main.ts ${why}:\n${stderr}`));
    }
    child.once("exit", (code) => fail(`exited with ${code}`));
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const port = /^FAILMAP_STATE_ENDPOINT=https?:\/\/127\.0\.0\.1:(\d+)$/m.exec(stdout)?.[1];
      if (!port) return;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      resolve({
        endpoint: options.certificate ? `https://localhost:${port}` : `http://127.0.0.1:${port}`,
        port: Number(port),
        logLine: (pattern, timeoutMs = 5_000) =>
          waitFor(
            () => pattern.exec(stderr)?.[0],
            timeoutMs,
            () => stderr,
          ),
        objects: (bucket) => readDirectory(options.dir, bucket),
        stop: () => stop(child),
      });
    });
  });
}

async function waitFor(
  find: () => string | undefined,
  timeoutMs: number,
  seen: () => string,
): Promise<string> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
    const found = find();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no such request within ${timeoutMs} ms; the local S3 saw:\n${seen()}`);
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}
