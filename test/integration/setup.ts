// The budget of an integration test that starts only small tools (sh, bash, openssl, shellcheck) and sets none
// of its own: the slowest such test took 0.6 s, and a whole file 2.2 s (the client certificate's, with its
// openssl calls), with stress-ng --cpu 2 beside a CI run and other work on the 2-core machine (load 17 to 24,
// 7 December). Tests that start the app, the cdktf CLI, jest or a linter set their own, measured the same way.
jest.setTimeout(30_000);
