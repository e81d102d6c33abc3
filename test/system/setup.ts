// System tests start real daemons, build root filesystems and wait for them: minutes, not seconds. This is the
// budget of a test or hook in a file that sets none of its own (the rehearsal's image, machine and state tests,
// shellcheck): the slowest, image-contracts' preparation (images built, pushed to a registry of its own and
// pulled by a dockerd of its own), took 271 and 301 s, and the slowest test (app-image's Celery workers) 78 and
// 98 s, in two runs with stress-ng --cpu 2 beside other test runs on the 2-core machine (load 14 to 36,
// 7 December). The other files set budgets of their own, from the same runs.
jest.setTimeout(900_000);
