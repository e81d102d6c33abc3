import fs from "node:fs";
import path from "node:path";
import { WORKER_ROLE_TABLE } from "../../../config/worker-roles";
import { appStandIn, rehearsalImages } from "../../../rehearsal/images/images";

/*
 * The rootfs cache keys a tree by its recipe's data (rehearsal/images/tree-steps.ts): an image is rebuilt
 * when that data changes, so everything an image gets from the repository must be in it, contents included,
 * or a changed stand-in would keep running its cached old self.
 */

const IMAGES_DIR = path.resolve(__dirname, "../../../rehearsal/images");

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(file);
    return entry.name.endsWith(".pyc") ? [] : [file];
  });
}

test("every file of the app stand-in is in its image's recipe with its contents, and the entrypoint is executable", () => {
  const files = appStandIn("websecmap/websecmap:latest").tree?.files ?? {};
  const lib = path.join(IMAGES_DIR, "app-stand-in/lib");
  const expected = filesUnder(lib);
  expect(expected.length).toBeGreaterThan(3);
  for (const file of expected) {
    const inside = path.posix.join("/usr/local/lib/websecmap-stand-in", path.relative(lib, file));
    expect(files[inside]?.content).toBe(fs.readFileSync(file, "utf8"));
  }
  expect(files["/usr/local/bin/websecmap"]).toEqual({
    content: fs.readFileSync(path.join(IMAGES_DIR, "app-stand-in/websecmap"), "utf8"),
    mode: 0o755,
  });
});

test("the stand-in's workers take their queues from the stack's worker-role table", () => {
  const files = appStandIn("websecmap/websecmap:latest").tree?.files ?? {};
  const roles = JSON.parse(
    files["/usr/local/lib/websecmap-stand-in/websecmap_standin/worker-roles.json"].content,
  );
  expect(Object.keys(roles).sort()).toEqual(Object.keys(WORKER_ROLE_TABLE).sort());
  for (const [role, spec] of Object.entries(WORKER_ROLE_TABLE)) expect(roles[role]).toEqual(spec.queues);
});

test("the entrypoint scripts and wrappers of every image are in their recipes, executable", () => {
  const scripts = rehearsalImages().flatMap((recipe) =>
    Object.entries(recipe.tree?.files ?? {}).filter(([, file]) => file.content.startsWith("#!")),
  );
  expect(scripts.map(([inside]) => inside)).toEqual(
    expect.arrayContaining([
      "/docker-entrypoint.sh",
      "/usr/sbin/nginx",
      "/usr/local/bin/docker-entrypoint.sh",
      "/usr/local/lib/failmap-placeholder/serve",
      "/usr/bin/cadvisor",
      "/prometheus-nginxlog-exporter",
      "/run.sh",
    ]),
  );
  for (const [, file] of scripts) expect(file.mode).toBe(0o755);
});
