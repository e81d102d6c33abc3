// System tests start real daemons, build root filesystems and wait for them: minutes, not seconds.
jest.setTimeout(600_000);
