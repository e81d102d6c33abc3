import net from "node:net";

/** Resolves with sshd's banner once a connection to address:22 gets one; rejects after the timeout. */
export async function waitForSsh(
  address: string,
  timeoutMs: number,
  isAlive: () => boolean,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let lastError = "no answer";
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error(`the machine at ${address} stopped before sshd answered`);
    try {
      return await sshBanner(address);
    } catch (error) {
      lastError = (error as Error).message;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`sshd at ${address}:22 did not answer within ${timeoutMs / 1000} s (${lastError})`);
}

function sshBanner(address: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: address, port: 22, timeout: 2000 });
    let received = "";
    const done = (error?: Error) => {
      socket.destroy();
      if (error) reject(error);
      else resolve(received.split("\r\n")[0]);
    };
    socket.on("data", (chunk) => {
      received += chunk.toString("latin1");
      if (received.includes("\r\n")) done(received.startsWith("SSH-") ? undefined : new Error(received));
    });
    socket.on("timeout", () => done(new Error("timed out")));
    socket.on("error", done);
    socket.on("close", () => done(new Error("closed without a banner")));
  });
}
