// The budget of an integration test that starts only small tools (sh, bash, openssl, shellcheck) and sets none
// of its own: in two runs with stress-ng --cpu 2 beside a CI run or other test runs on the 2-core machine (load
// 13 to 26, 7 December) the slowest such test took 0.6 s, and a whole file 2.5 s (lib.sh sourced 24 times).
// Tests that start the app, the cdktf CLI, jest or a linter set their own, measured the same way.
jest.setTimeout(30_000);
