import path from "node:path";
import { replacementFingerprint } from "../../support/replacements";
import { loadExample, resourcesOf, synthOrganisation } from "../../support/organisations";

const faalkaart = loadExample();
const synth = synthOrganisation(faalkaart);
const servers = resourcesOf(synth, "hcloud_server");
const mainServer = servers.find((s) => s.name === "faalserver.faalkaart.nl")!;
const mainFirewall = resourcesOf(synth, "hcloud_firewall").find((f) => f.name === "faalkaart-main")!;

describe("org-faalkaart on Hetzner", () => {
  it("pins the provider versions from the committed schemas", () => {
    expect(synth.terraform.required_providers.hcloud).toEqual({
      source: "hetznercloud/hcloud",
      version: "1.64.0",
    });
  });

  it("creates the server from the file, protected and backed up", () => {
    expect(mainServer).toMatchObject({
      server_type: "cx33",
      location: "nbg1",
      image: "debian-12",
      backups: true,
      delete_protection: true,
      rebuild_protection: true,
      labels: { organisation: "faalkaart", role: "main" },
    });
  });

  it("never replaces the server for first-boot settings", () => {
    expect(mainServer.lifecycle.ignore_changes).toEqual(["user_data", "ssh_keys"]);
  });

  it("hands over a generated ed25519 host key and a deploy user through cloud-init, with root login off", () => {
    expect(synth.resource.tls_private_key["main_host-key_E3C552ED"].algorithm).toBe("ED25519");
    expect(mainServer.user_data).toMatch(/^#cloud-config\n\$\{yamlencode\(/);
    expect(mainServer.user_data).toContain('"disable_root" = true');
    expect(mainServer.user_data).toContain('"ssh_pwauth" = false');
    expect(mainServer.user_data).toMatch(
      /"ed25519_private" = tls_private_key\.main_host-key_\w+\.private_key_openssh/,
    );
    expect(mainServer.user_data).toContain("PermitRootLogin no");
    expect(mainServer.user_data).toContain(faalkaart.users[0].keys[0]);
  });

  it("registers each sudo operator's key with Hetzner once, shared by every server", () => {
    // Hetzner refuses a second key with the same fingerprint in one project (uniqueness_error).
    const names = resourcesOf(synth, "hcloud_ssh_key").map((k) => k.name);
    expect(names.sort()).toEqual(["faalkaart-elger", "faalkaart-johan"]);
    const servers = resourcesOf(synth, "hcloud_server");
    expect(servers.length).toBeGreaterThan(1);
    for (const server of servers) expect(server.ssh_keys).toEqual(servers[0].ssh_keys);
  });

  it("gives servers addresses allocated before them, so hosts can allow each other without a cycle", () => {
    const ips = resourcesOf(synth, "hcloud_primary_ip");
    expect(ips.map((ip) => `${ip.name} ${ip.auto_delete}`).sort()).toEqual([
      "faalserver.faalkaart.nl-ipv4 false",
      "faalserver.faalkaart.nl-ipv6 false",
      "scanners-1.faalserver.faalkaart.nl-ipv4 false",
      "scanners-1.faalserver.faalkaart.nl-ipv6 false",
    ]);
    expect(mainServer.public_net[0].ipv4).toMatch(/^\$\{hcloud_primary_ip\.main_ipv4_\w+\.id\}$/);
    // The server's public_net assigns them: no assignee in the configuration (hcloud 1.64 warns on
    // assignee_type alone), and the one in state is kept when labels or protection change.
    for (const ip of ips) {
      expect(ip).not.toHaveProperty("assignee_type");
      expect(ip.lifecycle).toEqual({ ignore_changes: ["assignee_id", "assignee_type"] });
    }
    const broker = mainFirewall.rule.find((r: any) => r.port === "1337");
    expect(broker.source_ips.join(" ")).not.toMatch(/hcloud_server/);
  });

  it("opens SSH only to the configured networks, plus ICMP, on a firewall attached at creation", () => {
    const ssh = mainFirewall.rule.find((r: any) => r.port === "22");
    expect(ssh.source_ips).toEqual(faalkaart.sshAllowedNetworks);
    expect(mainFirewall.rule.find((r: any) => r.protocol === "icmp")).toBeDefined();
    expect(mainServer.firewall_ids).toEqual([
      expect.stringMatching(/^\$\{hcloud_firewall\.main_firewall_\w+\.id\}$/),
    ]);
  });

  it("opens nothing else: web from anywhere, the broker endpoint to remote workers only", () => {
    const rules = Object.fromEntries(mainFirewall.rule.map((r: any) => [r.port ?? r.protocol, r.source_ips]));
    expect(Object.keys(rules).sort()).toEqual(["1337", "22", "443", "80", "icmp"]);
    expect(rules["80"]).toEqual(["0.0.0.0/0", "::/0"]);
    expect(rules["443"]).toEqual(["0.0.0.0/0", "::/0"]);
    expect(rules["1337"]).toEqual(expect.arrayContaining(faalkaart.remoteWorkers!.allowedNetworks));
    expect(rules["1337"]).not.toContain("0.0.0.0/0");
  });

  it("creates A and AAAA records for every name in the zone", () => {
    const records = resourcesOf(synth, "hcloud_zone_rrset").map((r) => `${r.type} ${r.name}`);
    for (const label of ["@", "www", "admin", "staging", "admin.staging", "faalserver"]) {
      expect(records).toContain(`A ${label}`);
      expect(records).toContain(`AAAA ${label}`);
    }
  });

  it("creates the extra worker hosts, unprotected and without backups", () => {
    const worker = servers.find((s) => s.name === "scanners-1.faalserver.faalkaart.nl");
    expect(worker).toMatchObject({ backups: false, delete_protection: false, labels: { role: "worker" } });
  });

  it("keeps local state when no bucket is configured", () => {
    // In the project root, so that regenerating cdktf.out/ never loses it.
    expect(synth.terraform.backend).toEqual({
      local: { path: path.resolve("terraform.org-faalkaart.tfstate") },
    });
  });
});

describe("state in S3", () => {
  const withBucket = (env: Record<string, string>) => {
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      return synthOrganisation(faalkaart).terraform.backend.s3;
    } finally {
      process.env = saved;
    }
  };

  it("uses one key per organisation, encryption and S3-native locking", () => {
    expect(withBucket({ FAILMAP_STATE_BUCKET: "failmap-state" })).toEqual({
      bucket: "failmap-state",
      key: "failmap/faalkaart.tfstate",
      region: "eu-central",
      encrypt: true,
      use_lockfile: true,
    });
  });

  it("works with Hetzner Object Storage: path style and the skip flags", () => {
    const s3 = withBucket({
      FAILMAP_STATE_BUCKET: "failmap-state",
      FAILMAP_STATE_ENDPOINT: "https://fsn1.your-objectstorage.com",
      FAILMAP_STATE_REGION: "fsn1",
    });
    expect(s3).toMatchObject({
      endpoints: { s3: "https://fsn1.your-objectstorage.com" },
      region: "fsn1",
      use_path_style: true,
      skip_credentials_validation: true,
      skip_region_validation: true,
      skip_requesting_account_id: true,
      skip_s3_checksum: true,
    });
  });
});

describe("alert secrets stay out of the file and out of cdktf.out", () => {
  it("mails through the relay from the environment, with the password as a sensitive variable", () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      FAILMAP_SMTP_SMARTHOST: "smtp.example.org:587",
      FAILMAP_SMTP_FROM: "a@b.nl",
    });
    try {
      const withMail = synthOrganisation(faalkaart);
      expect(withMail.variable.failmap_smtp_password).toMatchObject({ sensitive: true, type: "string" });
      const config = JSON.stringify(withMail.resource.null_resource);
      expect(config).toContain("smtp.example.org:587");
      expect(config).toContain("${var.failmap_smtp_password}");
    } finally {
      process.env = saved;
    }
  });

  it("posts to a webhook whose URL is a sensitive variable", () => {
    const withHook = synthOrganisation(loadExample("faalkaart", (d) => (d.monitoring.alertWebhook = true)));
    expect(withHook.variable.failmap_alert_webhook_url).toMatchObject({ sensitive: true });
    expect(JSON.stringify(withHook.resource.null_resource)).toContain("${var.failmap_alert_webhook_url}");
  });

  it("asks for no secret when no relay or webhook is configured", () => {
    expect(synth.variable).toBeUndefined();
  });
});

describe("org-failmap-uk on an existing server", () => {
  const uk = synthOrganisation(loadExample("failmap-uk"));

  it("creates no cloud resources and needs no Hetzner token", () => {
    expect(uk.resource.hcloud_server).toBeUndefined();
    expect(uk.terraform.required_providers.hcloud).toBeUndefined();
  });
});

describe("construct IDs are stable", () => {
  it("adding an instance or a user does not rename the server, firewall or keys", () => {
    const changed = synthOrganisation(
      loadExample("faalkaart", (d) => {
        d.instances.acceptance = {
          domain: "acceptance.faalkaart.nl",
          admin: "admin.acceptance.faalkaart.nl",
        };
        d.users.push({ name: "zoe", keys: d.users[0].keys });
      }),
    );
    for (const type of ["hcloud_server", "hcloud_firewall", "hcloud_ssh_key", "tls_private_key"]) {
      expect(Object.keys(changed.resource[type])).toEqual(
        expect.arrayContaining(Object.keys(synth.resource[type])),
      );
    }
  });

  it("keeps every resource address, and every argument that would replace a resource, as recorded", () => {
    // A changed line here is a resource that Terraform would create, destroy or replace: update the snapshot
    // (jest -u) only when that is the intent. What files hold is covered by the renderers' own tests.
    expect(replacementFingerprint(synth)).toMatchSnapshot();
  });
});
