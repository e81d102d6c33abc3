import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  CLIENT_CA_OUTPUT,
  CLIENT_CERTIFICATES_OUTPUT,
} from "../../../constructs/tls/client-certificate-outputs";
import { main } from "../../../scripts/operator/client-cert";

function openssl(args: string[], input?: string): string {
  try {
    return execFileSync("openssl", args, { encoding: "utf8", input, stdio: ["pipe", "pipe", "pipe"] });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT")
      throw new Error("openssl is not installed: apt-get install openssl");
    throw e;
  }
}

const DN = "serialNumber=0a1b2c,CN=scanner-amsterdam,O=faalkaart";
let dir: string;
let outputsFile: string;
let logged: string[];

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "client-cert-"));
  const f = (name: string) => path.join(dir, name);
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  openssl([
    "req",
    "-x509",
    ...ec,
    "-keyout",
    f("ca.key"),
    "-out",
    f("ca.pem"),
    "-subj",
    "/O=faalkaart/CN=faalkaart client CA",
    "-days",
    "1",
  ]);
  openssl([
    "req",
    ...ec,
    "-keyout",
    f("c.key"),
    "-out",
    f("c.csr"),
    "-subj",
    "/O=faalkaart/CN=scanner-amsterdam/serialNumber=0a1b2c",
  ]);
  openssl([
    "x509",
    "-req",
    "-in",
    f("c.csr"),
    "-CA",
    f("ca.pem"),
    "-CAkey",
    f("ca.key"),
    "-CAcreateserial",
    "-out",
    f("c.pem"),
    "-days",
    "1",
  ]);
  // What `terraform output -json` prints for the stack's two outputs.
  outputsFile = f("outputs.json");
  fs.writeFileSync(
    outputsFile,
    JSON.stringify({
      [CLIENT_CA_OUTPUT]: { sensitive: false, type: "string", value: fs.readFileSync(f("ca.pem"), "utf8") },
      [CLIENT_CERTIFICATES_OUTPUT]: {
        sensitive: true,
        value: {
          "scanner-amsterdam": {
            kind: "worker",
            dn: DN,
            certificate_pem: fs.readFileSync(f("c.pem"), "utf8"),
            private_key_pem: fs.readFileSync(f("c.key"), "utf8"),
          },
        },
      },
    }),
  );
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

beforeEach(() => {
  logged = [];
  jest.spyOn(console, "log").mockImplementation((line: string) => void logged.push(line));
});

afterEach(() => jest.restoreAllMocks());

describe("npm run client-cert", () => {
  it("writes the .p12, the PEM files and the CA, with the key readable by its owner only", () => {
    const cwd = fs.mkdtempSync(path.join(dir, "run-"));
    main(["faalkaart", "scanner-amsterdam", "--outputs", outputsFile], cwd);
    const out = path.join(cwd, "client-certs", "faalkaart");
    const mode = (name: string) => fs.statSync(path.join(out, name)).mode & 0o777;
    expect(fs.readdirSync(out).sort()).toEqual(
      ["ca.pem", "scanner-amsterdam.crt.pem", "scanner-amsterdam.key.pem", "scanner-amsterdam.p12"].sort(),
    );
    expect(mode("scanner-amsterdam.key.pem")).toBe(0o600);
    expect(mode("scanner-amsterdam.p12")).toBe(0o600);
    expect(fs.statSync(out).mode & 0o777).toBe(0o700);

    const passphrase = logged.find((l) => l.startsWith("passphrase"))!.split(": ")[1];
    expect(passphrase).toMatch(/^[\w-]{24}$/);
    expect(logged).toContain(`worker certificate for ${DN}`);

    const p12 = path.join(out, "scanner-amsterdam.p12");
    const certificates = openssl(["pkcs12", "-in", p12, "-passin", `pass:${passphrase}`, "-nokeys"]);
    expect(certificates).toContain("subject=O = faalkaart, CN = scanner-amsterdam, serialNumber = 0a1b2c");
    expect(certificates).toContain("subject=O = faalkaart, CN = faalkaart client CA");
    const key = openssl(["pkcs12", "-in", p12, "-passin", `pass:${passphrase}`, "-nocerts", "-nodes"]);
    const publicKeyOf = (args: string[], input: string) =>
      openssl(args[0] === "pkey" ? [...args, "-pubout"] : args, input);
    const certificate = fs.readFileSync(path.join(out, "scanner-amsterdam.crt.pem"), "utf8");
    expect(publicKeyOf(["pkey"], key)).toBe(publicKeyOf(["x509", "-noout", "-pubkey"], certificate));
  });

  it("protects the .p12 with modern algorithms that need no legacy provider", () => {
    const cwd = fs.mkdtempSync(path.join(dir, "run-"));
    const passphraseFile = path.join(cwd, "passphrase");
    fs.writeFileSync(passphraseFile, "correct horse battery\n");
    main(
      ["faalkaart", "scanner-amsterdam", "--outputs", outputsFile, "--passphrase-file", passphraseFile],
      cwd,
    );
    expect(logged.some((l) => l.startsWith("passphrase"))).toBe(false);

    const p12 = path.join(cwd, "client-certs", "faalkaart", "scanner-amsterdam.p12");
    // -info reports the algorithms on stderr.
    const info = spawnSync(
      "openssl",
      ["pkcs12", "-in", p12, "-passin", "pass:correct horse battery", "-info", "-noout"],
      {
        encoding: "utf8",
      },
    ).stderr;
    expect(info).toMatch(/MAC: sha256/);
    expect(info).toMatch(/PBES2, PBKDF2, AES-256-CBC/);
    expect(info).not.toMatch(/RC2|3DES|TripleDES/i);
    expect(() => openssl(["pkcs12", "-in", p12, "-passin", "pass:wrong", "-noout"])).toThrow();
  });

  it("names the certificates there are when asked for an unknown one", () => {
    expect(() => main(["faalkaart", "mallory", "--outputs", outputsFile], dir)).toThrow(
      /no client certificate named 'mallory' \(known: scanner-amsterdam\)/,
    );
  });

  it("explains its usage", () => {
    expect(() => main(["faalkaart"], dir)).toThrow(/usage: npm run client-cert -- <organisation> <name>/);
    expect(() => main(["faalkaart", "x", "--force"], dir)).toThrow(/unknown option --force/);
  });
});
