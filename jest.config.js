// Two projects: fast unit tests on synthesized JSON and pure renderers, and system tests that run
// real programs (nginx, redis, mariadb, sshd, a debootstrapped Debian) and may take minutes.
const transform = { "^.+\\.ts$": ["@swc/jest"] };

module.exports = {
  projects: [
    {
      displayName: "unit",
      testMatch: ["<rootDir>/test/unit/**/*.test.ts"],
      transform,
      testEnvironment: "node",
    },
    {
      displayName: "system",
      testMatch: ["<rootDir>/test/system/**/*.test.ts"],
      transform,
      testEnvironment: "node",
      setupFilesAfterEnv: ["<rootDir>/test/system/setup.ts"],
    },
  ],
};
