import path from "node:path";
import { stringify } from "yaml";
import { exampleData, exampleText } from "../../support/organisations";
import { keyLine, rsaKey } from "./ssh-key-fixtures";

export type Data = Record<string, any>;
export const FILE = "organisations/faalkaart.yaml";

export function edited(edit: (d: Data) => void): string {
  const data = exampleData();
  edit(data);
  return stringify(data);
}

export const single = (text: string) => [{ file: FILE, text }];
export const second = (edit: (d: Data) => void) => {
  const uk = exampleData("failmap-uk");
  edit(uk);
  return { file: "organisations/failmap-uk.yaml", text: stringify(uk) };
};

// Each row: a kind of bad input, and what the error must say (file and field path included).
export const cases: [string, { file: string; text: string }[], RegExp][] = [
  [
    "an unknown key",
    single(edited((d) => (d.sever = d.server))),
    /faalkaart\.yaml:\d+: sever: is not a known setting/,
  ],
  [
    "an unknown nested key",
    single(edited((d) => (d.instances.production.domian = "x.nl"))),
    /instances\.production\.domian: is not a known setting/,
  ],
  [
    "a malformed domain",
    single(edited((d) => (d.instances.production.domain = "faalkaart..nl"))),
    /instances\.production\.domain: is not a valid lower-case domain name/,
  ],
  [
    "two organisations with one name (faalkaart.yaml and faalkaart.yml)",
    [
      { file: FILE, text: exampleText() },
      { file: "organisations/faalkaart.yml", text: exampleText() },
    ],
    /faalkaart\.yml:\d+: name: 'faalkaart' is also the name in organisations\/faalkaart\.yaml/,
  ],
  [
    "one domain claimed by two instances",
    single(edited((d) => (d.instances.staging.domain = "faalkaart.nl"))),
    /instances\.staging\.domain: 'faalkaart\.nl' is already used by instances\.production\.domain/,
  ],
  [
    "one domain claimed by two organisations",
    [
      { file: FILE, text: exampleText() },
      second((d) => (d.instances.production.aliases = ["www.faalkaart.nl"])),
    ],
    /failmap-uk\.yaml:\d+: instances\.production\.aliases\.0: 'www\.faalkaart\.nl' is already claimed by organisations\/faalkaart\.yaml/,
  ],
  [
    "an invalid CIDR",
    single(edited((d) => (d.sshAllowedNetworks = ["192.0.2.0/33"]))),
    /sshAllowedNetworks\.0: is not a valid CIDR network/,
  ],
  [
    "a malformed SSH public key",
    single(edited((d) => (d.users[0].keys = ["ssh-ed25519 not base64!"]))),
    /users\.0\.keys\.0: is not an OpenSSH public key/,
  ],
  [
    "no sudo user",
    single(edited((d) => d.users.forEach((u: Data) => (u.sudo = false)))),
    /users: needs at least one user with sudo: true/,
  ],
  [
    "an unknown instance reference",
    single(edited((d) => (d.remoteWorkers.hosts.scanners.roles = { acceptance: [{ role: "v4_internet" }] }))),
    /remoteWorkers\.hosts\.scanners\.roles\.acceptance: names instance 'acceptance', which is not in instances/,
  ],
  ["an empty file", single(""), /faalkaart\.yaml: is empty or not a mapping/],
  [
    "a YAML syntax error, with its line",
    single("name: faalkaart\nserver:\n  fqdn: [unclosed\n"),
    /faalkaart\.yaml:\d+: YAML syntax error: Flow sequence/,
  ],
  ["a missing required field", single(edited((d) => delete d.acme)), /acme: is required/],
  [
    "an unknown worker role",
    single(edited((d) => (d.instances.production.workers = [{ role: "scanner" }]))),
    /instances\.production\.workers\.0\.role: is not a worker role; use one of: default/,
  ],
  ["a wrong type", single(edited((d) => (d.server.backups = "yes"))), /server\.backups: .*expected boolean/i],
  [
    "a file name that differs from the organisation name",
    single(edited((d) => (d.name = "faalkaart-nl"))),
    /name: is 'faalkaart-nl' but the file is faalkaart\.yaml/,
  ],
  [
    "a server with an unknown provider",
    single(edited((d) => (d.server.provider = "aws"))),
    /server\.provider: needs provider: hetzner .* or existing/,
  ],
  [
    "a user listed twice",
    single(edited((d) => d.users.push({ ...d.users[0] }))),
    /users\.2\.name: 'johan' is listed twice/,
  ],
  ["no instances", single(edited((d) => (d.instances = {}))), /instances: needs at least one instance/],
  [
    "an invalid reboot window",
    single(edited((d) => (d.system.rebootWindow = "25:00"))),
    /system\.rebootWindow: must be HH:MM/,
  ],
  [
    "a worker host given a role that needs the database",
    single(edited((d) => d.remoteWorkers.hosts.scanners.roles.production.push({ role: "storage" }))),
    /remoteWorkers\.hosts\.scanners\.roles\.production\.2\.role: 'storage' needs the database.*scanner role \(v4_internet/,
  ],
  [
    "a worker role listed twice",
    single(edited((d) => d.instances.staging.workers.push({ role: "default" }))),
    /instances\.staging\.workers\.2\.role: 'default' is listed twice; raise its replicas/,
  ],
  [
    "two holders of one client certificate name",
    single(edited((d) => (d.remoteWorkers.clients = ["johan"]))),
    /remoteWorkers\.clients\.0: 'johan' would get the client certificate of users\.0\.name too/,
  ],
  [
    "a reserved user name",
    single(edited((d) => (d.users[1].name = "deploy"))),
    /users\.1\.name: is reserved/,
  ],
  [
    "a shell path with a space",
    single(edited((d) => (d.users[0].shell = "/bin/my shell"))),
    /users\.0\.shell: must be an absolute path to a shell/,
  ],
  [
    "more instances than a host has port blocks for",
    single(
      edited((d) => {
        for (let i = 0; i < 20; i++)
          d.instances[`extra-${i}`] = { domain: `e${i}.faalkaart.nl`, admin: `a${i}.faalkaart.nl` };
      }),
    ),
    /instances: holds more than 20 instances/,
  ],

  // Parsing is bounded: aliases, size, documents.
  [
    "a YAML alias bomb",
    single(
      exampleText() +
        ["a", "b", "c", "d", "e"]
          .map(
            (n, i) =>
              `${n}: &${n} [${Array(9)
                .fill(i === 0 ? '"x"' : `*${"abcde"[i - 1]}`)
                .join(", ")}]`,
          )
          .join("\n") +
        "\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n",
    ),
    /faalkaart\.yaml:\d+: has YAML aliases that expand to far more data than the file holds/,
  ],
  [
    "more YAML aliases than a file needs",
    single(`${exampleText()}\nanchor: &x 1\nmany: [${Array(60).fill("*x").join(", ")}]\n`),
    /faalkaart\.yaml:\d+: uses 60 YAML aliases \(\*name\); at most 50 are read/,
  ],
  [
    "200k aliases in a 4 MB file",
    single(
      `${exampleText()}\nshared: &alias_to_a_mapping {a: 1}\nmany: [${Array(200_000).fill("*alias_to_a_mapping").join(", ")}]\n`,
    ),
    /faalkaart\.yaml: is 4\.\d MB; an organisation file is at most 1024 KB/,
  ],
  [
    "two YAML documents in one file",
    single(`${exampleText()}---\n${exampleText("failmap-uk")}`),
    /faalkaart\.yaml:\d+: holds 2 YAML documents \(a '---' line starts the next\); an organisation file holds one/,
  ],

  // Values of the wrong type say what they are and how to write them.
  [
    'a quoted number (replicas: "3")',
    single(edited((d) => (d.instances.production.workers[0].replicas = "3"))),
    /instances\.production\.workers\.0\.replicas: is the string "3", expected number; write 3 without quotes/,
  ],
  [
    'a quoted boolean (backups: "yes")',
    single(edited((d) => (d.server.backups = "yes"))),
    /server\.backups: is the string "yes", expected boolean; write true, unquoted/,
  ],
  [
    "a YAML 1.1 boolean (interactive: no)",
    single(exampleText().replace("interactive: true", "interactive: no")),
    /instances\.production\.interactive: is the string "no", expected boolean; write false/,
  ],
  [
    "a key with no value",
    single(exampleText().replace(/^acme:\n( {2}.*\n)+/m, "acme:\n")),
    /faalkaart\.yaml:\d+: acme: is empty/,
  ],
  [
    "a list where a mapping belongs",
    single(edited((d) => (d.system = ["Europe/Amsterdam"]))),
    /system: is a list, expected object/,
  ],
  [
    "a number out of range",
    single(edited((d) => (d.instances.production.uwsgiWorkers = 100))),
    /instances\.production\.uwsgiWorkers: is the number 100; it must be at most 64/,
  ],
  [
    "a location Hetzner does not have",
    single(edited((d) => (d.server.location = "ams1"))),
    /server\.location: is the string "ams1"; use one of: fsn1, nbg1, hel1, ash, hil, sin/,
  ],

  // Names of instances and worker host groups name their rule.
  [
    "an instance named after a host-wide folder",
    single(
      edited((d) => {
        d.instances.monitoring = d.instances.staging;
        delete d.instances.staging;
      }),
    ),
    /faalkaart\.yaml:\d+: instances\.monitoring: 'monitoring' is a folder the stack keeps beside the instances' own .*pick another name/,
  ],
  [
    "an instance named stag/ing",
    single(
      edited((d) => {
        d.instances["stag/ing"] = d.instances.staging;
        delete d.instances.staging;
      }),
    ),
    /faalkaart\.yaml:\d+: instances\.stag\/ing: 'stag\/ing' is not a valid instance name: use 2-32 lower-case letters/,
  ],
  [
    "a worker host group with capitals",
    single(
      edited((d) => {
        d.remoteWorkers.hosts.Scanners = d.remoteWorkers.hosts.scanners;
        delete d.remoteWorkers.hosts.scanners;
      }),
    ),
    /remoteWorkers\.hosts\.Scanners: 'Scanners' is not a valid worker host group name/,
  ],

  // SSH keys that cannot work or are too weak.
  [
    "a 1024-bit RSA key",
    single(edited((d) => (d.users[0].keys = [rsaKey(1024)]))),
    /users\.0\.keys\.0: is a 1024-bit RSA key; RSA keys need at least 3072 bits/,
  ],
  [
    "a 2048-bit RSA key",
    single(edited((d) => (d.users[1].keys = [rsaKey(2048)]))),
    /users\.1\.keys\.0: is a 2048-bit RSA key; RSA keys need at least 3072 bits/,
  ],
  [
    "an ssh-ed25519 key with a 2-byte body",
    single(edited((d) => (d.users[0].keys = [keyLine("ssh-ed25519", Buffer.from([1, 2]))]))),
    /users\.0\.keys\.0: is not a valid ssh-ed25519 key: its key is 2 bytes, an ed25519 key is 32/,
  ],
  [
    "an ECDSA key on another curve than its type says",
    single(
      edited((d) => (d.users[0].keys = [keyLine("ecdsa-sha2-nistp256", "nistp384", Buffer.alloc(97, 4))])),
    ),
    /users\.0\.keys\.0: is not a valid ecdsa-sha2-nistp256 key/,
  ],
  [
    "a host key whose body is another type",
    [
      {
        file: "organisations/failmap-uk.yaml",
        text: exampleText("failmap-uk").replace("hostKey: ssh-ed25519", "hostKey: ssh-rsa"),
      },
    ],
    /failmap-uk\.yaml:\d+: server\.hostKey: is not an OpenSSH public key: its body does not start with 'ssh-rsa'/,
  ],

  // Ports, checked against the one port plan. Which instance holds a loopback block depends on its slot.
  ...(
    [
      [8000, "an instance's frontend", "instance [^']+'s frontend"],
      [8030, "another instance block's frontend", "instance [^']+'s frontend"],
      [6380, "an instance's broker", "instance [^']+'s broker"],
      [3000, "Grafana", "Grafana"],
      [9090, "Prometheus", "Prometheus"],
      [9100, "node-exporter", "node-exporter"],
    ] as const
  ).map(([port, holder, pattern]): [string, { file: string; text: string }[], RegExp] => [
    `remoteWorkers.port ${port}, which ${holder} uses`,
    single(edited((d) => (d.remoteWorkers.port = port))),
    new RegExp(`remoteWorkers\\.port: ${port} is already ${pattern}'s port in the port plan`),
  ]),
  [
    "an existing server with sshPort 443",
    [second((d) => (d.server.sshPort = 443))],
    /failmap-uk\.yaml:\d+: server\.sshPort: 443 is already nginx \(https\)'s port in the port plan \(config\/port-plan\.ts\), so sshd could not listen there; pick a free port such as 2222/,
  ],
  [
    "an existing server with sshPort 80",
    [second((d) => (d.server.sshPort = 80))],
    /server\.sshPort: 80 is already nginx \(http\)'s port/,
  ],
  [
    "the remote-worker port on the SSH port",
    [
      second((d) => {
        d.server.sshPort = 2222;
        d.remoteWorkers = { port: 2222, allowedNetworks: ["198.51.100.0/24"] };
      }),
    ],
    /remoteWorkers\.port: 2222 is already sshd's port/,
  ],

  // The state holds the CA key and every password.
  [
    "a plaintext http:// state endpoint",
    single(
      edited((d) => (d.state = { bucket: "failmap-state", endpoint: "http://fsn1.your-objectstorage.com" })),
    ),
    /state\.endpoint: is http:\/\/ to fsn1\.your-objectstorage\.com: the state holds the private CA key and every password .*use https:\/\/fsn1\.your-objectstorage\.com/,
  ],
  [
    "an ftp:// state endpoint",
    single(edited((d) => (d.state = { endpoint: "ftp://files.faalkaart.nl/state" }))),
    /state\.endpoint: is ftp:\/\/ to files\.faalkaart\.nl/,
  ],

  // The ACME CA: Let's Encrypt by name, any other by an https URL; resolvers as host:port.
  [
    "a plaintext http:// ACME directory",
    single(edited((d) => (d.acme.directory = "http://pebble.rehearsal.test:14000/dir"))),
    /faalkaart\.yaml:\d+: acme\.directory: is http:\/\/ to pebble\.rehearsal\.test:14000: ACME runs over https only .*write https:\/\/pebble\.rehearsal\.test:14000\/dir/,
  ],
  [
    "an ACME directory that is neither a name nor a URL",
    single(edited((d) => (d.acme.directory = "letsencrypt"))),
    /faalkaart\.yaml:\d+: acme\.directory: is neither production, staging \(Let's Encrypt\) nor the URL of an ACME directory; write one of those, e\.g\. https:\/\//,
  ],
  [
    "an ACME directory URL with a password",
    single(edited((d) => (d.acme.directory = "https://eab:secret@ca.example.org/acme/directory"))),
    /acme\.directory: holds a user name or password: .*remove it from the URL/,
  ],
  [
    "a recursive nameserver without a port",
    single(edited((d) => (d.acme.recursiveNameservers = ["9.9.9.9:53", "2620:fe::fe"]))),
    /faalkaart\.yaml:\d+: acme\.recursiveNameservers\.1: is not host:port; write host:port, e\.g\. 9\.9\.9\.9:53, \[2620:fe::fe\]:53/,
  ],
  [
    "a recursive nameserver with a port out of range",
    single(edited((d) => (d.acme.recursiveNameservers = ["ns1.example.org:65536"]))),
    /acme\.recursiveNameservers\.0: has port 65536; a port is 1-65535/,
  ],
  [
    "a recursive nameserver in brackets that is not IPv6",
    single(edited((d) => (d.acme.recursiveNameservers = ["[10.0.0.1]:53"]))),
    /acme\.recursiveNameservers\.0: has '10\.0\.0\.1' in brackets, which is not an IPv6 address/,
  ],

  // What the server must have: a time zone, a shell, account names of its own.
  [
    "a time zone that does not exist",
    single(edited((d) => (d.system.timezone = "Europe/Amsterdm"))),
    /system\.timezone: is not a time zone that Debian 12's tzdata installs/,
  ],
  [
    "a time zone in the wrong case",
    single(edited((d) => (d.system.timezone = "europe/amsterdam"))),
    /system\.timezone: is spelt 'Europe\/Amsterdam' in the time zone database, where case matters/,
  ],
  [
    "a time zone that climbs out of the zone folder",
    single(edited((d) => (d.system.timezone = "../../etc/passwd"))),
    /system\.timezone: is not a time zone/,
  ],
  [
    "a shell the bootstrap does not install",
    single(edited((d) => (d.users[0].shell = "/usr/bin/zsh"))),
    /users\.0\.shell: is zsh, which the bootstrap does not install \(Debian package zsh\).*use \/bin\/bash/,
  ],
  [
    "a shell that does not exist",
    single(edited((d) => (d.users[0].shell = "/bin/nosuchshell"))),
    /users\.0\.shell: is not a shell on a Debian server with this stack's packages/,
  ],
  ...(["sudo", "systemd-network", "_apt", "sshd", "docker", "adm", "messagebus", "failmap-ssh"] as const).map(
    (name): [string, { file: string; text: string }[], RegExp] => [
      `a user named ${name}, which Debian already has`,
      single(edited((d) => (d.users[1].name = name))),
      new RegExp(`users\\.1\\.name: is a system (account|group) on a Debian server`),
    ],
  ),

  // Certificates, server types and DNS.
  [
    "more than 100 names on one certificate",
    single(
      edited((d) => {
        for (let i = 0; i < 18; i++) {
          d.instances[`site-${i}`] = {
            domain: `s${i}.faalkaart.nl`,
            admin: `admin.s${i}.faalkaart.nl`,
            aliases: [1, 2, 3, 4].map((a) => `a${a}.s${i}.faalkaart.nl`),
          };
        }
      }),
    ),
    /instances: give the server's certificate 114 names .*; Let's Encrypt allows 100 per certificate/,
  ],
  [
    "a server type that does not exist",
    single(edited((d) => (d.server.type = "cx99"))),
    /server\.type: 'cx99' is not a Hetzner Cloud server type in config\/data\/hetzner-prices\.json/,
  ],
  [
    "a server type not sold in its location",
    single(edited((d) => (d.server.location = "ash"))),
    /server\.location: 'cx33' is not sold in ash \(config\/data\/hetzner-prices\.json: only in fsn1, nbg1, hel1\)/,
  ],
  [
    "a server type Hetzner no longer sells",
    single(edited((d) => (d.server.type = "cx32"))),
    /server\.type: 'cx32' is no longer sold by Hetzner; its successor is cx33 .*write cx33 for a new one/,
  ],
  [
    "a worker host type not sold in its location",
    single(edited((d) => Object.assign(d.remoteWorkers.hosts.scanners, { type: "cax11", location: "sin" }))),
    /remoteWorkers\.hosts\.scanners\.location: 'cax11' is not sold in sin/,
  ],
  [
    "an instance domain outside dnsZone",
    single(edited((d) => (d.instances.production.domain = "faalkaart.org"))),
    /instances\.production\.domain: 'faalkaart\.org' is outside dnsZone faalkaart\.nl, so the stack would create no DNS record for it/,
  ],
  [
    "an alias outside dnsZone",
    single(edited((d) => (d.instances.production.aliases = ["www.faalkaart.org"]))),
    /instances\.production\.aliases\.0: 'www\.faalkaart\.org' is outside dnsZone faalkaart\.nl/,
  ],
  [
    "an admin name outside dnsZone",
    single(edited((d) => (d.instances.staging.admin = "admin.faalkaart.nl.example.com"))),
    /instances\.staging\.admin: 'admin\.faalkaart\.nl\.example\.com' is outside dnsZone faalkaart\.nl/,
  ],

  // Networks.
  [
    "a CIDR with host bits set",
    single(edited((d) => (d.sshAllowedNetworks = ["192.0.2.77/24"]))),
    /sshAllowedNetworks\.0: has host bits set after the \/24: the network is 192\.0\.2\.0\/24; write that, or 192\.0\.2\.77\/32/,
  ],
  [
    "an IPv6 CIDR with host bits set",
    single(edited((d) => (d.remoteWorkers.allowedNetworks = ["2001:db8::1/32"]))),
    /remoteWorkers\.allowedNetworks\.0: has host bits set after the \/32: the network is 2001:db8::\/32/,
  ],
];

// Files in the organisations folder that are not read: refused, with the extension that is.
export const folderCases: [string, Record<string, string>, RegExp][] = [
  ...["extra.YAML", "extra.yml", "extra.json", "extra.Yaml"].map(
    (name): [string, Record<string, string>, RegExp] => [
      `a file named ${name} in the organisations folder`,
      { "faalkaart.yaml": exampleText(), [name]: exampleText() },
      new RegExp(
        `${name.replace(".", "\\.")}: is not read: organisation files end in \\.yaml \\(lower case\\); rename it to extra\\.yaml`,
      ),
    ],
  ),
];

/** What the app says about a case, where it differs from the loader's message for the same files. */
export const appExpected: Record<string, RegExp> = {
  // The app reads the folder, where a .yml file is refused before its name is compared.
  "two organisations with one name (faalkaart.yaml and faalkaart.yml)":
    /faalkaart\.yml: is not read: organisation files end in \.yaml/,
  // The app names files by the folder it was given.
  "one domain claimed by two organisations":
    /failmap-uk\.yaml:\d+: instances\.production\.aliases\.0: 'www\.faalkaart\.nl' is already claimed by \S*faalkaart\.yaml/,
};

export const asFolder = (sources: { file: string; text: string }[]) =>
  Object.fromEntries(sources.map(({ file, text }) => [path.basename(file), text]));
