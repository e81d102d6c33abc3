/*
 * Login shells a user can be given. useradd accepts any path, and a shell that is not installed only shows
 * when the user's SSH login closes at once. Source: /etc/shells of a Debian 12 minbase system with the
 * bootstrap's packages (bash and dash are essential; rbash is bash's restricted mode).
 */
export const INSTALLED_SHELLS: readonly string[] = [
  "/bin/bash",
  "/usr/bin/bash",
  "/bin/sh",
  "/usr/bin/sh",
  "/bin/dash",
  "/usr/bin/dash",
  "/bin/rbash",
  "/usr/bin/rbash",
];

/** Shells Debian packages but the bootstrap does not install, with the package that would add them. */
const NOT_INSTALLED: Readonly<Record<string, string>> = {
  "/bin/zsh": "zsh",
  "/usr/bin/zsh": "zsh",
  "/usr/bin/fish": "fish",
  "/bin/fish": "fish",
  "/bin/ksh": "ksh",
  "/usr/bin/ksh": "ksh",
  "/bin/tcsh": "tcsh",
  "/usr/bin/tcsh": "tcsh",
};

/** Why `shell` cannot be a user's login shell on the server, with what to write instead; or undefined. */
export function shellProblem(shell: string): string | undefined {
  if (INSTALLED_SHELLS.includes(shell)) return undefined;
  const choices = `use /bin/bash (or ${INSTALLED_SHELLS.filter((s) => s.startsWith("/bin/") && s !== "/bin/bash").join(", ")})`;
  const pkg = NOT_INSTALLED[shell];
  if (pkg) {
    return `is ${pkg}, which the bootstrap does not install (Debian package ${pkg}), so this user could not log in; ${choices}`;
  }
  return `is not a shell on a Debian server with this stack's packages, so this user could not log in; ${choices}`;
}
