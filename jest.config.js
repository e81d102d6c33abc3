// Five projects: fast unit tests on synthesized JSON and pure renderers, which start no process (a unit test
// that tries fails: test/unit/no-processes.ts);
// integration tests that start the app, the cdktf CLI or a small tool (sh, openssl, shellcheck), each within
// a time budget measured on a loaded machine; system tests that run real
// programs (nginx, redis, mariadb, sshd, a debootstrapped Debian) and may take minutes; Terraform tests
// that init and plan the synthesized stacks with the real provider plugins against local stand-ins; and the
// end-to-end test, which deploys test organisations into the rehearsal's local cloud (npm run test:e2e): three
// files at a time, since a deploy mostly waits (bootstrap, image pulls, health checks: about half a core on
// average); files on one rehearsal network take turns for it (rehearsal/network/network-hold.ts).
const transform = { "^.+\\.ts$": ["@swc/jest"] };

module.exports = {
  projects: [
    {
      displayName: "unit",
      testMatch: ["<rootDir>/test/unit/**/*.test.ts"],
      transform,
      testEnvironment: "node",
      setupFilesAfterEnv: ["<rootDir>/test/unit/no-processes.ts", "<rootDir>/test/support/temp-dir.ts"],
    },
    {
      displayName: "integration",
      testMatch: ["<rootDir>/test/integration/**/*.test.ts"],
      transform,
      testEnvironment: "node",
      setupFilesAfterEnv: ["<rootDir>/test/integration/setup.ts"],
    },
    {
      displayName: "system",
      testMatch: ["<rootDir>/test/system/**/*.test.ts"],
      transform,
      testEnvironment: "node",
      setupFilesAfterEnv: ["<rootDir>/test/system/setup.ts"],
    },
    {
      displayName: "terraform",
      testMatch: ["<rootDir>/test/terraform/**/*.test.ts"],
      transform,
      testEnvironment: "node",
      setupFilesAfterEnv: ["<rootDir>/test/support/temp-dir.ts"],
    },
    {
      displayName: "e2e",
      testMatch: ["<rootDir>/test/e2e/**/*.test.ts"],
      transform,
      testEnvironment: "node",
    },
  ],
};
