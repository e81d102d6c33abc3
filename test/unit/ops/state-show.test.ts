import fs from "node:fs";
import path from "node:path";
import { backendOnlyConfig } from "../../../ops/state/workdir";
import { listAddresses, MASK, showInstance, type StateFile } from "../../../ops/state/show";

const state = JSON.parse(
  fs.readFileSync(path.join(__dirname, "../../fixtures/ops/state/faalkaart-state.json"), "utf8"),
) as StateFile;

describe("reading state without provider plugins", () => {
  test("lists addresses as terraform state list does, with indexes and modules", () => {
    expect(listAddresses(state)).toEqual([
      "hcloud_server.main_server_9F8E7D6C",
      'random_id.client_serial["alice"]',
      'random_id.client_serial["scanner-amsterdam"]',
      "random_password.production_db-full_password_1A2B3C4D",
      "module.monitoring.data.hcloud_zone.zone",
    ]);
  });

  test("shows a resource's attributes and masks what the provider marked sensitive", () => {
    const shown = showInstance(state, "random_password.production_db-full_password_1A2B3C4D");
    expect(shown).toContain("# random_password.production_db-full_password_1A2B3C4D");
    expect(shown).toMatch(/length\s+= 32/);
    expect(shown).toMatch(new RegExp(`result\\s+= "${MASK.replace(/[()]/g, "\\$&")}"`));
    expect(shown).not.toContain("q8Zt3vWm1XkP0aLr9Ns2Yc4Hd6Jf7Ge5");
    expect(shown).not.toContain("$2a$10$");
  });

  test("shows one instance of a resource with for_each", () => {
    const shown = showInstance(state, 'random_id.client_serial["scanner-amsterdam"]');
    expect(shown).toMatch(/hex\s+= "ab11"/);
    expect(shown).not.toContain("3f2a");
  });

  test("masks a sensitive value nested in a dynamically typed attribute", () => {
    const dynamic: StateFile = {
      version: 4,
      resources: [
        {
          mode: "managed",
          type: "terraform_data",
          name: "x",
          provider: 'provider["terraform.io/builtin/terraform"]',
          instances: [
            {
              attributes: { input: { value: { user: "alice", password: "hunter2" }, type: ["object", {}] } },
              sensitive_attributes: [
                [
                  { type: "get_attr", value: "input" },
                  { type: "get_attr", value: "password" },
                ],
              ],
            },
          ],
        },
      ],
    };
    const shown = showInstance(dynamic, "terraform_data.x");
    expect(shown).toContain('"user": "alice"');
    expect(shown).not.toContain("hunter2");
  });

  test("an unknown address names similar ones", () => {
    expect(() => showInstance(state, "hcloud_server.main")).toThrow(
      "No resource hcloud_server.main in the state (5 resources). Similar: hcloud_server.main_server_9F8E7D6C.",
    );
  });
});

describe("the backend-only working directory", () => {
  test("holds exactly the backend block the stack synthesizes, and nothing that needs a provider", () => {
    const config = backendOnlyConfig(
      {
        kind: "s3",
        bucket: "failmap-state",
        key: "failmap/faalkaart.tfstate",
        region: "eu-central",
        endpoint: "https://fsn1.your-objectstorage.com",
      },
      "/project/cdktf.out/stacks/org-faalkaart",
    );
    expect(Object.keys(config)).toEqual(["terraform"]);
    expect(config).toMatchObject({
      terraform: { backend: { s3: { bucket: "failmap-state", use_lockfile: true, use_path_style: true } } },
    });
  });

  test("resolves a relative local state path where cdktf runs terraform for the stack", () => {
    const stackDir = "/project/cdktf.out/stacks/org-faalkaart";
    expect(backendOnlyConfig({ kind: "local", path: "terraform.org-faalkaart.tfstate" }, stackDir)).toEqual({
      terraform: { backend: { local: { path: `${stackDir}/terraform.org-faalkaart.tfstate` } } },
    });
  });
});
