import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** A key pair and certificate on disk, made with the openssl CLI. */
export interface Issued {
  readonly certPath: string;
  readonly keyPath: string;
  readonly cert: string;
  readonly key: string;
}

export interface Authority extends Issued {
  issue(name: string, options: { subject: string; serverNames?: readonly string[] }): Issued;
}

const openssl = (args: readonly string[]) =>
  execFileSync("openssl", args, { stdio: ["ignore", "pipe", "pipe"] });
const read = (certPath: string, keyPath: string): Issued => ({
  certPath,
  keyPath,
  cert: readFileSync(certPath, "utf8"),
  key: readFileSync(keyPath, "utf8"),
});
const ecKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];

/**
 * A certificate authority in `dir`. `subject` is in openssl's "/O=.../CN=..." form, whose order is the
 * order the RDNs are written in the certificate.
 */
export function createAuthority(dir: string, name: string, subject: string): Authority {
  const [certPath, keyPath] = [join(dir, `${name}.pem`), join(dir, `${name}.key`)];
  openssl(["req", "-x509", ...ecKey, "-keyout", keyPath, "-out", certPath, "-subj", subject, "-days", "2"]);
  const ca = read(join(dir, `${name}.pem`), join(dir, `${name}.key`));
  return { ...ca, issue: (leaf, options) => issue(dir, ca, leaf, options) };
}

function issue(
  dir: string,
  ca: Pick<Issued, "certPath" | "keyPath">,
  name: string,
  options: { subject: string; serverNames?: readonly string[] },
): Issued {
  const base = join(dir, name);
  openssl([
    "req",
    "-new",
    ...ecKey,
    "-keyout",
    `${base}.key`,
    "-out",
    `${base}.csr`,
    "-subj",
    options.subject,
  ]);
  const extensions = options.serverNames
    ? [
        `subjectAltName=${options.serverNames.map((n) => `DNS:${n}`).join(",")}`,
        "extendedKeyUsage=serverAuth",
      ]
    : ["extendedKeyUsage=clientAuth"];
  writeFileSync(`${base}.ext`, ["basicConstraints=CA:FALSE", ...extensions].join("\n"));
  openssl([
    "x509",
    "-req",
    "-in",
    `${base}.csr`,
    "-CA",
    ca.certPath,
    "-CAkey",
    ca.keyPath,
    "-set_serial",
    String(Date.now()),
    "-days",
    "2",
    "-extfile",
    `${base}.ext`,
    "-out",
    `${base}.pem`,
  ]);
  return read(`${base}.pem`, `${base}.key`);
}
