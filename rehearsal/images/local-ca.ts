import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { requireProgram } from "../../ops/system/programs";
import { run } from "./debian-rootfs";

export interface ServerCertificate {
  /** PEM files: the CA certificate to trust, the server's certificate and its key. */
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/**
 * The rehearsal's local CA (openssl), kept in `dir` so that machines and clients made earlier keep trusting
 * it, and a server certificate from it for these names and addresses, made anew each time. Go programs
 * (docker, terraform's providers) trust the CA through SSL_CERT_FILE on this machine and through the trust
 * store inside the servers.
 */
export function serverCertificate(dir: string, names: readonly string[]): ServerCertificate {
  requireProgram("openssl", "openssl");
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const caKey = path.join(dir, "ca.key");
  const caFile = path.join(dir, "ca.crt");
  if (!fs.existsSync(caFile)) {
    run("openssl", [
      ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"],
      ...["-keyout", caKey, "-out", caFile, "-days", "3650", "-subj", "/CN=failmap rehearsal CA"],
      ...["-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
    ]);
  }
  const keyFile = path.join(dir, "server.key");
  const certFile = path.join(dir, "server.crt");
  const san = names.map((n) => (net.isIP(n) ? `IP:${n}` : `DNS:${n}`)).join(",");
  run("openssl", [
    ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"],
    ...["-keyout", keyFile, "-out", certFile, "-days", "30", "-subj", `/CN=${names[0]}`],
    ...["-CA", caFile, "-CAkey", caKey, "-addext", `subjectAltName=${san}`],
    ...["-addext", "extendedKeyUsage=serverAuth", "-addext", "basicConstraints=critical,CA:FALSE"],
  ]);
  return { caFile, certFile, keyFile };
}
