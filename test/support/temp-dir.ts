/*
 * A test file's temporary directories go into one of its own, removed after the file. cdktf's Testing.app
 * makes an output directory in os.tmpdir() for every app and never removes it: the unit tier alone left
 * thousands of /tmp/cdktf.outdir.* behind. Setting TMPDIR would not reach it (jest gives the test file a
 * copy of process.env; node:os reads the real one), so os.tmpdir() itself answers with this file's directory.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "failmap-test-"));
const tmpdir = jest.spyOn(os, "tmpdir").mockReturnValue(dir);

afterAll(() => {
  tmpdir.mockRestore();
  fs.rmSync(dir, { recursive: true, force: true });
});
