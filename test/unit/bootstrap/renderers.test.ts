import { Testing, TerraformStack, TerraformOutput } from "cdktf";
import { Password } from "@cdktf/provider-random/lib/password";
import { renderDatabaseSql } from "../../../constructs/bootstrap/database-sql";
import { renderBootstrapEnv, renderDatabaseEnv } from "../../../constructs/bootstrap/env-file";
import { renderNftables } from "../../../constructs/bootstrap/nftables";
import { renderSshdConfig } from "../../../constructs/bootstrap/sshd-config";
import { renderUnattendedUpgrades } from "../../../constructs/bootstrap/unattended-upgrades";
import { renderUsersFile } from "../../../constructs/bootstrap/users-file";
import type { DatabaseCredentials } from "../../../constructs/app/database-credentials";
import { BOOTSTRAP_ENV } from "./fixtures";

describe("renderBootstrapEnv", () => {
  test("writes every setting shell-quoted, so sourcing the file runs nothing", () => {
    const text = renderBootstrapEnv(BOOTSTRAP_ENV);
    expect(text).toContain("FAILMAP_FQDN='faalserver.faalkaart.nl'\n");
    expect(text).toContain("FAILMAP_INSTANCES='production staging'\n");
    expect(text).toContain("FAILMAP_SWAP_MB='2048'\n");
    expect(renderDatabaseEnv({ instance: "x", database: "x$(reboot)" })).toBe(
      "# The database of instance x. Rendered by failmap: edit the organisation file instead.\n" +
        "FAILMAP_DATABASE='x$(reboot)'\n",
    );
  });

  test("refuses a value that would break out of its line", () => {
    expect(() =>
      renderBootstrapEnv({ ...BOOTSTRAP_ENV, timezone: "Europe/Amsterdam\nFAILMAP_ROLE=worker" }),
    ).toThrow(/FAILMAP_TIMEZONE must be a single line/);
  });
});

describe("renderUsersFile", () => {
  const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAYLB61MYixZi/K9yIcLjjgUW+4vvH4bazPVx1Pgau3o johan@laptop";

  test("lists each user with rights, shell and keys", () => {
    const text = renderUsersFile([
      { name: "johan", sudo: true, shell: "/bin/bash", keys: [key] },
      { name: "guest", sudo: false, shell: "/bin/sh", keys: [key] },
    ]);
    expect(text.split("\n").slice(1)).toEqual([
      "user johan sudo /bin/bash",
      `key ${key}`,
      "user guest - /bin/sh",
      `key ${key}`,
      `deploy-key ${key}`,
      "",
    ]);
  });

  test("gives the deploy user the keys of the sudo users, and refuses a file where nobody could deploy", () => {
    const other = key.replace("johan@laptop", "johan@desktop");
    const text = renderUsersFile([
      { name: "johan", sudo: true, shell: "/bin/bash", keys: [key, other] },
      { name: "elger", sudo: true, shell: "/bin/bash", keys: [key] },
      { name: "guest", sudo: false, shell: "/bin/sh", keys: ["ssh-ed25519 AAAAguest guest@laptop"] },
    ]);
    expect(text.split("\n").filter((line) => line.startsWith("deploy-key "))).toEqual([
      `deploy-key ${key}`,
      `deploy-key ${other}`,
    ]);
    expect(() => renderUsersFile([{ name: "guest", sudo: false, shell: "/bin/sh", keys: [key] }])).toThrow(
      /no user has sudo: true, so nobody could deploy/,
    );
  });

  test("refuses a user listed twice", () => {
    const johan = { name: "johan", sudo: true, shell: "/bin/bash", keys: [key] };
    expect(() => renderUsersFile([johan, johan])).toThrow(/johan is listed twice/);
  });
});

describe("renderSshdConfig", () => {
  test("allows keys only, no root, only the given group", () => {
    const text = renderSshdConfig({ allowGroup: "failmap-ssh" });
    for (const line of [
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "PermitRootLogin no",
      "AllowGroups failmap-ssh",
      "MaxAuthTries 5",
    ]) {
      expect(text.split("\n")).toContain(line);
    }
  });
});

describe("renderUnattendedUpgrades", () => {
  test("follows security updates only and reboots in the window", () => {
    const text = renderUnattendedUpgrades({ rebootWindow: "04:30" });
    expect(text).toContain("#clear Unattended-Upgrade::Origins-Pattern;");
    expect(text).toContain('Unattended-Upgrade::Automatic-Reboot-Time "04:30";');
    expect(text.match(/"origin=[^"]*"/g)?.every((origin) => origin.includes("label=Debian-Security"))).toBe(
      true,
    );
  });

  test("refuses a window that is not HH:MM", () => {
    expect(() => renderUnattendedUpgrades({ rebootWindow: "4am" })).toThrow(/HH:MM/);
  });
});

describe("renderNftables", () => {
  const base = { sshPort: 22, sshSources: ["192.0.2.0/24", "2001:db8::/32"], rules: [] };

  test("owns one table, replaces it as a whole, and drops what no rule admits", () => {
    const text = renderNftables(base);
    expect(text).not.toContain("flush ruleset");
    expect(text).toContain("table inet failmap\ndelete table inet failmap\ntable inet failmap {");
    expect(text).toContain("type filter hook input priority filter; policy drop;");
    expect(text).toContain("ct state established,related accept");
  });

  test("admits SSH from the allowed networks only, each in its own address family", () => {
    const text = renderNftables({ ...base, sshPort: 2222 });
    expect(text).toContain('ip saddr 192.0.2.0/24 tcp dport 2222 accept comment "SSH"');
    expect(text).toContain('ip6 saddr 2001:db8::/32 tcp dport 2222 accept comment "SSH"');
  });

  test("keeps containers from the host's SSH port and the metadata service, whatever the SSH sources", () => {
    const text = renderNftables({ ...base, sshPort: 2222, sshSources: ["0.0.0.0/0", "::/0"] });
    const input = text.indexOf('iifname { "docker0", "br-*" } tcp dport 2222 drop');
    expect(input).toBeGreaterThan(-1);
    // Before any accept rule: a drop after an accept would never be reached.
    expect(input).toBeLessThan(text.indexOf("accept comment"));
    expect(text).toContain('iifname { "docker0", "br-*" } ip daddr 169.254.169.254 drop');
    expect(text).toContain("type filter hook forward priority filter; policy accept;");
    expect(text).toContain("ip daddr 169.254.169.254 meta skuid != 0 drop");
  });

  test("a rule open to both 0.0.0.0/0 and ::/0 matches no source", () => {
    const text = renderNftables({
      ...base,
      rules: [{ description: "HTTPS", protocol: "tcp", port: 443, sources: ["0.0.0.0/0", "::/0"] }],
    });
    expect(text).toContain('    tcp dport 443 accept comment "HTTPS"\n');
  });

  test("a rule without sources admits nothing", () => {
    const text = renderNftables({
      ...base,
      rules: [{ description: "closed", protocol: "udp", port: 53, sources: [] }],
    });
    expect(text).not.toContain("dport 53");
  });

  test("another host's address (a token) gets its family from its /32 or /128 suffix", () => {
    const stack = new TerraformStack(Testing.app(), "t");
    const address = new Password(stack, "stand-in", { length: 8 }).result;
    const text = renderNftables({
      ...base,
      rules: [
        { description: "v4", protocol: "tcp", port: 9100, sources: [`${address}/32`] },
        { description: "v6", protocol: "tcp", port: 9101, sources: [`${address}/128`] },
      ],
    });
    new TerraformOutput(stack, "rules", { value: text });
    const value: string = JSON.parse(Testing.synth(stack)).output.rules.value;
    expect(value).toContain("ip saddr ${random_password.stand-in.result}/32 tcp dport 9100");
    expect(value).toContain("ip6 saddr ${random_password.stand-in.result}/128 tcp dport 9101");
    expect(() =>
      renderNftables({
        ...base,
        rules: [{ description: "x", protocol: "tcp", port: 1, sources: [address] }],
      }),
    ).toThrow(/write another host's address as <address>\/32 or \/128/);
  });

  test("refuses a source that is not a network, and a port out of range", () => {
    const rule = { description: "web", protocol: "tcp" as const, port: 80, sources: ["example.com"] };
    expect(() => renderNftables({ ...base, rules: [rule] })).toThrow(/example.com is not a CIDR network/);
    expect(() => renderNftables({ ...base, rules: [{ ...rule, port: 70000, sources: [] }] })).toThrow(
      /not a port/,
    );
  });
});

describe("renderDatabaseSql", () => {
  const db: DatabaseCredentials = {
    instance: "production",
    database: "failmap_production",
    full: { name: "production_full", password: "A".repeat(32) },
    readWrite: { name: "production_rw", password: "B".repeat(32) },
    readOnly: { name: "production_ro", password: "C".repeat(32) },
  };

  test("creates the database and three accounts idempotently, with least privilege", () => {
    const sql = renderDatabaseSql([db]);
    expect(sql).toContain("CREATE DATABASE IF NOT EXISTS `failmap_production` CHARACTER SET utf8mb4");
    expect(sql).toContain("CREATE USER IF NOT EXISTS 'production_ro'@'localhost';");
    expect(sql).toContain(`ALTER USER 'production_ro'@'localhost' IDENTIFIED BY '${"C".repeat(32)}';`);
    expect(sql).toContain("GRANT ALL PRIVILEGES ON `failmap_production`.* TO 'production_full'@'localhost';");
    expect(sql).toContain(
      "GRANT SELECT, INSERT, UPDATE, DELETE ON `failmap_production`.* TO 'production_rw'@'localhost';",
    );
    expect(sql).toContain("GRANT SELECT ON `failmap_production`.* TO 'production_ro'@'localhost';");
    // Rights taken away in the code are taken away on the server: every grant follows a revoke.
    expect(sql.match(/REVOKE ALL PRIVILEGES, GRANT OPTION FROM/g)).toHaveLength(3);
  });

  test("refuses names and passwords that would need quoting", () => {
    expect(() => renderDatabaseSql([{ ...db, database: "failmap`; DROP" }])).toThrow(
      /not a safe MariaDB database/,
    );
    expect(() => renderDatabaseSql([{ ...db, readOnly: { name: "ro", password: "it's" } }])).toThrow(
      /16 or more letters and digits/,
    );
  });
});
