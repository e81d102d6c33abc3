import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { ClientBundle } from "./read-outputs";

export interface WrittenBundle {
  readonly directory: string;
  readonly files: readonly string[];
  /** Set when the passphrase was generated here: the caller shows it once. */
  readonly generatedPassphrase?: string;
}

export interface WriteBundleOptions {
  /** client-certs/<org>/ is created below this directory. */
  readonly baseDir: string;
  readonly organisation: string;
  readonly name: string;
  /** A file whose first line is the .p12 passphrase; otherwise one is generated. */
  readonly passphraseFile?: string;
}

/**
 * Writes the PEM files and a passphrase-protected PKCS#12 bundle for browsers and Celery. The .p12 uses
 * AES-256-CBC with PBKDF2 and a SHA-256 MAC, spelt out so the result does not depend on the openssl
 * version's defaults (OpenSSL 1.1 still chose RC2/3DES).
 */
export function writeBundle(bundle: ClientBundle, options: WriteBundleOptions): WrittenBundle {
  const directory = path.join(options.baseDir, "client-certs", options.organisation);
  fs.mkdirSync(directory, { recursive: true, mode: 0o700 });
  const file = (suffix: string) => path.join(directory, `${options.name}${suffix}`);
  const certificate = file(".crt.pem");
  const key = file(".key.pem");
  const p12 = file(".p12");
  const ca = path.join(directory, "ca.pem");

  writeFile(certificate, bundle.certificate_pem, 0o644);
  writeFile(key, bundle.private_key_pem, 0o600);
  writeFile(ca, bundle.caPem, 0o644);

  const generatedPassphrase = options.passphraseFile ? undefined : randomBytes(18).toString("base64url");
  const passphrase = generatedPassphrase ?? readPassphrase(options.passphraseFile!);
  // The p12 is written fresh: openssl would keep an existing file's mode.
  fs.rmSync(p12, { force: true });
  openssl(
    [
      "pkcs12",
      "-export",
      "-in",
      certificate,
      "-inkey",
      key,
      "-certfile",
      ca,
      "-name",
      `${options.name} (${options.organisation})`,
      "-keypbe",
      "AES-256-CBC",
      "-certpbe",
      "AES-256-CBC",
      "-macalg",
      "sha256",
      "-passout",
      "env:FAILMAP_P12_PASSPHRASE",
      "-out",
      p12,
    ],
    { FAILMAP_P12_PASSPHRASE: passphrase },
  );
  fs.chmodSync(p12, 0o600);
  return { directory, files: [p12, certificate, key, ca], generatedPassphrase };
}

function writeFile(file: string, content: string, mode: number): void {
  fs.writeFileSync(file, content.endsWith("\n") ? content : `${content}\n`, { mode });
  fs.chmodSync(file, mode);
}

function readPassphrase(file: string): string {
  const passphrase = fs.readFileSync(file, "utf8").split(/\r?\n/)[0];
  if (passphrase.length < 8) throw new Error(`the passphrase in ${file} is shorter than 8 characters`);
  return passphrase;
}

function openssl(args: string[], env: Record<string, string>): void {
  const run = spawnSync("openssl", args, { env: { ...process.env, ...env }, encoding: "utf8" });
  if ((run.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT") {
    throw new Error("openssl is not installed: apt-get install openssl");
  }
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`openssl ${args[0]} failed: ${run.stderr.trim()}`);
}
