import { execFileSync } from "node:child_process";
import path from "node:path";

export interface Pem {
  readonly certificate: string;
  readonly key: string;
}

const P256 = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];

function openssl(args: string[]): void {
  execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
}

/** A CA like the stack's private one: ECDSA P-256, self-signed, CA:TRUE. Files land in `dir`. */
export function makeCa(dir: string, name: string, organisation: string): Pem {
  const pem = { certificate: path.join(dir, `${name}.crt`), key: path.join(dir, `${name}.key`) };
  openssl([
    "req",
    "-x509",
    ...P256,
    "-keyout",
    pem.key,
    "-out",
    pem.certificate,
    "-days",
    "1",
    "-subj",
    `/O=${organisation}/CN=${organisation} client CA`,
  ]);
  return pem;
}

/**
 * A client certificate whose subject is in the order the tls provider (Go) writes it: O, CN, serialNumber.
 * `subject` parts are plain text; they are escaped here for `openssl -subj`.
 */
export function issueClient(
  dir: string,
  ca: Pem,
  file: string,
  subject: { o: string; cn: string; serial: string },
): Pem {
  const pem = { certificate: path.join(dir, `${file}.crt`), key: path.join(dir, `${file}.key`) };
  const csr = path.join(dir, `${file}.csr`);
  const escape = (value: string) => value.replace(/[\\/+=]/g, (c) => `\\${c}`);
  openssl([
    "req",
    ...P256,
    "-keyout",
    pem.key,
    "-out",
    csr,
    "-subj",
    `/O=${escape(subject.o)}/CN=${escape(subject.cn)}/serialNumber=${subject.serial}`,
  ]);
  openssl([
    "x509",
    "-req",
    "-in",
    csr,
    "-CA",
    ca.certificate,
    "-CAkey",
    ca.key,
    "-set_serial",
    `0x${subject.serial}`,
    "-days",
    "1",
    "-out",
    pem.certificate,
  ]);
  return pem;
}

/** A self-signed server certificate for several names: the stack's self-signed mode, and its own trust anchor. */
export function selfSignedServer(
  dir: string,
  names: readonly string[],
  keyArgs: readonly string[] = P256,
): Pem {
  const pem = { certificate: path.join(dir, "server.crt"), key: path.join(dir, "server.key") };
  openssl([
    "req",
    "-x509",
    ...keyArgs,
    "-keyout",
    pem.key,
    "-out",
    pem.certificate,
    "-days",
    "1",
    "-subj",
    `/CN=${names[0]}`,
    "-addext",
    `subjectAltName=${names.map((n) => `DNS:${n}`).join(",")}`,
  ]);
  return pem;
}
