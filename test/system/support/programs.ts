import { spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";

/**
 * Fails loudly when a real program the test needs is missing, naming the Debian package that has it:
 * a system test never passes by skipping its subject.
 */
export function requireProgram(program: string, debianPackage: string): string {
  const found = program.startsWith("/")
    ? fs.existsSync(program)
    : spawnSync("sh", ["-c", `command -v ${program}`]).status === 0;
  if (!found) throw new Error(`${program} is not installed: apt-get install ${debianPackage}`);
  return program;
}

/** A TCP port on 127.0.0.1 that nothing listens on right now (the kernel picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
