import { Password } from "@cdktf/provider-random/lib/password";
import { Lazy, TerraformStack, Testing } from "cdktf";
import { ExistingHost } from "../../../constructs/host/existing-host";
import { HostFiles } from "../../../constructs/host/host-files";

const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIImN/r5l6haFiGmm181HYy2YdG8BycfehwkSuVzopHBE root@x";

function synthFiles(content: (secret: string) => string, then: string[] = []) {
  const stack = new TerraformStack(Testing.app(), "t");
  const host = new ExistingHost(stack, "main", {
    fqdn: "a.example.nl",
    address: "192.0.2.1",
    hostPublicKey: HOST_KEY,
  });
  const secret = new Password(stack, "secret", { length: 16 });
  new HostFiles(stack, "files", {
    host,
    files: [
      { path: "/etc/failmap/x.conf", content: content(secret.result), mode: "0600", owner: "root:docker" },
    ],
    then,
  });
  const synth = JSON.parse(Testing.synth(stack));
  return Object.values<any>(synth.resource.null_resource).find((r) => r.provisioner)!;
}

describe("HostFiles", () => {
  it("keeps shell and nginx variables literal, and still resolves references", () => {
    const files = synthFiles(
      (secret) => `user=\${USER:-x} set $x %{if}\npassword=${secret}\n`,
      ['echo "${HOME}"'],
    );
    const upload = files.provisioner.find((p: any) => p.file).file;
    expect(upload.content).toBe(
      "user=$${USER:-x} set $x %%{if}\npassword=${random_password.secret.result}\n",
    );
    const commands = files.provisioner.at(-1)["remote-exec"].inline.join("\n");
    expect(commands).toContain(`sudo sh -c 'echo "$\${HOME}"'`);
  });

  it("moves uploads into place with the mode and owner asked for", () => {
    const files = synthFiles(() => "x");
    const commands = files.provisioner.at(-1)["remote-exec"].inline.join("\n");
    expect(commands).toMatch(/sudo install -D -m 0600 -o root -g docker \S+ \/etc\/failmap\/x\.conf/);
  });

  it("shows hashes of the content in plans, never the content", () => {
    const files = synthFiles((secret) => `password=${secret}`);
    expect(files.triggers.content).toMatch(/^[0-9a-f]{64}$/);
    expect(files.triggers.references).toBe('${sha256(join("\\n", [random_password.secret.result]))}');
    expect(files.provisioner[0]["remote-exec"].inline[0]).toMatch(/mkdir -p -m 0700/);
  });

  it("re-runs when the text changes, and only then", () => {
    const a = synthFiles((secret) => `listen 80;\npassword=${secret}`).triggers;
    expect(synthFiles((secret) => `listen 80;\npassword=${secret}`).triggers).toEqual(a);
    expect(synthFiles((secret) => `listen 81;\npassword=${secret}`).triggers.content).not.toEqual(a.content);
  });

  it("hashes lazy text as it is finally written, and keeps it out of the Terraform expression", () => {
    const withRules = (rules: string) =>
      synthFiles(() => `table inet failmap {\n${Lazy.stringValue({ produce: () => rules })}\n}`).triggers;
    const a = withRules('tcp dport 443 accept comment "HTTPS"');
    expect(withRules('tcp dport 443 accept comment "HTTPS"')).toEqual(a);
    expect(withRules('tcp dport 1337 accept comment "broker"').content).not.toEqual(a.content);
    expect(a.references).toBe('${sha256(join("\\n", []))}');
  });
});
