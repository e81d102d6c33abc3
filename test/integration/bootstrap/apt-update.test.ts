import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { renderBootstrapEnv } from "../../../constructs/bootstrap/env-file";
import { repositoryRoot } from "../../../constructs/bootstrap/script-files";
import { BOOTSTRAP_ENV } from "../../unit/bootstrap/fixtures";

/*
 * The real run.sh and lib.sh, with steps that each install a package of their own and apt-get and dpkg-query
 * stand-ins that log what they are asked: a bootstrap run updates the package lists once, not once per step
 * (each update took 8 to 12 s on a server whose mirror does not answer, six times per run); a step run on its
 * own still updates first.
 */
const STEPS = ["base", "users", "ssh", "firewall", "docker", "monitoring", "housekeeping"];
const MAIN_STEPS = [...STEPS, "mariadb", "admin-tools", "backups"];

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "failmap-apt-update-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const bundle = path.join(dir, "bundle");
const bin = path.join(dir, "bin");
const log = path.join(dir, "apt.log");
fs.mkdirSync(path.join(bundle, "config"), { recursive: true });
fs.mkdirSync(bin);
for (const file of ["run.sh", "lib.sh"]) {
  fs.copyFileSync(path.join(repositoryRoot(), "scripts/bootstrap", file), path.join(bundle, file));
}
fs.writeFileSync(path.join(bundle, "config/bootstrap.env"), renderBootstrapEnv(BOOTSTRAP_ENV));
for (const step of MAIN_STEPS) {
  fs.writeFileSync(
    path.join(bundle, `${step}.sh`),
    `set -euo pipefail\n. "$(dirname "\${BASH_SOURCE[0]}")/lib.sh"\nensure_packages failmap-test-${step}\n`,
  );
}
// cloud-init is done; nothing is installed; apt-get says what it was asked, with the options stripped.
fs.writeFileSync(path.join(bin, "cloud-init"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
fs.writeFileSync(path.join(bin, "dpkg-query"), "#!/bin/sh\nexit 1\n", { mode: 0o755 });
fs.writeFileSync(
  path.join(bin, "apt-get"),
  `#!/bin/sh\necho "$*" | tr ' ' '\\n' | grep -v -e '^-' -e '=' | tr '\\n' ' ' >>"${log}"\necho >>"${log}"\n`,
  { mode: 0o755 },
);

const aptCalls = (script: string): string[] => {
  fs.rmSync(log, { force: true });
  execFileSync("bash", [path.join(bundle, script)], {
    env: { PATH: `${bin}:/usr/bin:/bin`, HOME: dir },
    stdio: "pipe",
  });
  return fs
    .readFileSync(log, "utf8")
    .trim()
    .split("\n")
    .map((line) => line.trim());
};

test("a bootstrap run updates the package lists once, then installs each step's packages", () => {
  expect(aptCalls("run.sh")).toEqual(["update", ...MAIN_STEPS.map((step) => `install failmap-test-${step}`)]);
});

test("a step run on its own updates them first", () => {
  expect(aptCalls("docker.sh")).toEqual(["update", "install failmap-test-docker"]);
});
