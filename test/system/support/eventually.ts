/**
 * Polls `check` until it holds, and fails naming `what` after `seconds`, with what `explain` says about the
 * state it was waiting on (a container's status and logs, say). The default is sized for a busy two-core
 * machine: with the other test tiers' work beside it, a Celery worker's health check did not pass within 60 s in
 * a fresh-clone CI run, while the stack itself gives a container its start period and four check rounds (about
 * eight minutes) before the apply fails.
 */
export async function eventually(
  what: string,
  check: () => boolean | Promise<boolean>,
  options: { readonly seconds?: number; readonly explain?: () => string } = {},
): Promise<void> {
  const seconds = options.seconds ?? 240;
  const deadline = Date.now() + seconds * 1000;
  while (!(await check())) {
    if (Date.now() > deadline) {
      const explanation = options.explain ? `\n${options.explain()}` : "";
      throw new Error(`${what}: not within ${seconds} s${explanation}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}
