import { z } from "zod";
import { acmeDirectoryProblem } from "./acme-directory";
import { hasHostBits, networkOf } from "./cidr";
import { systemNameProblem } from "./debian-system-names";
import { dnsLengthProblem } from "./dns-names";
import { dnsProviderProblem } from "./dns-providers";
import { ALERT_SECRET_VARIABLES, environmentVariableOf } from "./model/alert-secret-variables";
import { HOST_CONFIG_DIR, HOST_STATE_DIR, SERVICE_FOLDERS } from "./model/host-paths";
import { INSTANCE_SLOTS } from "./model/slots";
import { nameserverProblem } from "./nameservers";
import { bucketNameProblem, REGION } from "./s3-names";
import { HETZNER_LOCATIONS } from "./server-catalogue";
import { shellProblem } from "./shells";
import { keyWithoutComment, sshKeyProblem } from "./ssh-keys";
import { stateEndpointProblem } from "./state-endpoint";
import { timezoneProblem } from "./timezones";
import { httpsUrlProblem } from "./urls";
import { WORKER_ROLES, workerRole } from "./worker-roles";

/*
 * The organisation file: everything that differs between organisations, and nothing that can be derived.
 * Every object is strict, so a misspelt key is an error instead of a silently ignored setting.
 * Secrets never live here: they come from the environment or from random_password in the encrypted state.
 */

const DOMAIN = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*\.[a-z]{2,63}$/;
const SSH_PUBLIC_KEY =
  /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com) [A-Za-z0-9+/]+={0,3}( .*)?$/;
const NAME = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;
const UNIX_USER = /^[a-z_][a-z0-9_-]{0,31}$/;
const IMAGE =
  /^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;
const DURATION_DAYS = z.number().int().positive();
/** Ten years of daily database dumps: past that a count is a typo, not a retention policy. */
const MAX_BACKUP_RETENTION_DAYS = 3650;
/** Prometheus reads a duration into signed 64-bit nanoseconds, and refuses a longer one ("out of range"). */
const PROMETHEUS_MAX_DAYS = Number((2n ** 63n - 1n) / (86_400n * 10n ** 9n));
const RESERVED_USERS = new Set(["root", "deploy"]);

/** A check that explains itself: `problem` returns what is wrong and how to fix it, or undefined. */
const rule =
  <T>(problem: (value: T) => string | undefined) =>
  (value: T, ctx: z.core.$RefinementCtx<T>) => {
    const message = problem(value);
    if (message !== undefined) ctx.addIssue({ code: "custom", message, input: value });
  };

export const domain = z
  .string()
  // The limits first: a name too long also fails the pattern, whose message would not say why.
  .superRefine((name, ctx) => {
    const message = dnsLengthProblem(name);
    if (message) ctx.addIssue({ code: "custom", message, input: name, continue: false });
  })
  .regex(DOMAIN, { error: "is not a valid lower-case domain name (for example faalkaart.nl)" });

export const cidr = z
  .union([z.cidrv4(), z.cidrv6()], {
    error: "is not a valid CIDR network (for example 192.0.2.0/24 or 2001:db8::/32)",
  })
  .superRefine(
    rule((network) =>
      hasHostBits(network)
        ? `has host bits set after the /${network.split("/")[1]}: the network is ${networkOf(network)}; write that, or ${network.split("/")[0]}/${network.includes(":") ? 128 : 32} for this one address`
        : undefined,
    ),
  );

/** The host-wide services' folders, which an instance's folders would collide with. */
const RESERVED_INSTANCE_NAMES: ReadonlySet<string> = new Set(Object.values(SERVICE_FOLDERS));

const name = (what: string) =>
  z.string().regex(NAME, {
    error: `is not a valid ${what} name: use 2-32 lower-case letters, digits and dashes, starting with a letter`,
  });

const NOT_A_KEY =
  "is not an OpenSSH public key (expected 'ssh-ed25519 AAAA... comment', as in id_ed25519.pub)";

export const sshPublicKey = z
  .string()
  .trim()
  .regex(SSH_PUBLIC_KEY, { error: NOT_A_KEY, abort: true })
  .superRefine(rule(sshKeyProblem));

const user = z.strictObject({
  name: z
    .string()
    .regex(UNIX_USER, { error: "is not a valid Unix user name (lower case, max 32 chars)" })
    .refine((n) => !RESERVED_USERS.has(n), {
      error: "is reserved (root, and deploy for Terraform); pick another",
      abort: true,
    })
    .superRefine(rule(systemNameProblem)),
  sudo: z.boolean().default(false).describe("Member of sudo and docker; can deploy and administer."),
  keys: z.array(sshPublicKey).min(1, { error: "needs at least one SSH public key" }),
  shell: z
    .string()
    .regex(/^\/[\w./-]+$/, { error: "must be an absolute path to a shell, e.g. /bin/bash", abort: true })
    .superRefine(rule(shellProblem))
    .default("/bin/bash"),
  admin: z
    .boolean()
    .default(true)
    .describe("Receives a client certificate for the admin site (and Grafana)."),
});

const worker = z
  .strictObject({
    role: z.enum(WORKER_ROLES, { error: `is not a worker role; use one of: ${WORKER_ROLES.join(", ")}` }),
    concurrency: z.number().int().min(1).max(200).optional(),
    replicas: z.number().int().min(1).max(20).default(1),
  })
  .transform((w) => ({
    ...w,
    concurrency: w.concurrency ?? workerRole(w.role).concurrency,
    scanner: workerRole(w.role).scanner,
  }));

const instance = z.strictObject({
  domain: domain.describe("The public site. Served by the cached, read-only frontend."),
  aliases: z.array(domain).default([]).describe("Extra names that redirect to the domain (e.g. www.)."),
  admin: domain.describe("The admin site, behind a TLS client certificate."),
  image: z
    .string()
    .regex(IMAGE, { error: "is not a docker image reference (for example websecmap/websecmap:latest)" })
    .default("websecmap/websecmap:latest"),
  interactive: z.boolean().default(false).describe("Run the interactive app for /game/."),
  workers: z
    .array(worker)
    .default(() => ["default", "storage", "all_internet"].map((role) => worker.parse({ role }))),
  slot: z
    .number()
    .int()
    .min(1)
    .max(INSTANCE_SLOTS)
    .optional()
    .describe(
      "The instance's block of host ports (1-" +
        INSTANCE_SLOTS +
        "). Derived from the name when not set; set it to keep the ports when renaming, or to settle a clash.",
    ),
  uwsgiWorkers: z.number().int().min(1).max(64).default(4),
  sentryDsn: z
    .string()
    .superRefine(rule((dsn) => httpsUrlProblem(dsn, "https://<key>@o0.ingest.sentry.io/<project>")))
    .optional()
    .describe("Where the app reports errors: the project's DSN from Sentry's settings."),
});

const hetznerServer = z.strictObject({
  provider: z.literal("hetzner"),
  fqdn: domain,
  type: z
    .string()
    .regex(/^[a-z]+[0-9]+$/, { error: "is not a Hetzner server type (e.g. cx33)" })
    .default("cx33"),
  location: z.enum(HETZNER_LOCATIONS).default("nbg1"),
  image: z.enum(["debian-12", "debian-13"]).default("debian-12"),
  backups: z.boolean().default(true),
  protect: z.boolean().default(true).describe("Delete and rebuild protection on the server."),
  keepDisk: z
    .boolean()
    .default(true)
    .describe(
      "On a server type change, keep the disk as it is, so that the type can be lowered again later. false grows the disk with the new type, which can never be undone.",
    ),
});

const existingServer = z.strictObject({
  provider: z.literal("existing"),
  fqdn: domain,
  address: z.union([z.ipv4(), z.ipv6()], { error: "is not an IP address" }),
  hostKey: sshPublicKey
    // A host key is pinned by its type and key; its comment (root@host) means nothing to ssh, so it is not kept.
    .transform(keyWithoutComment)
    .describe("The server's SSH host public key (/etc/ssh/ssh_host_ed25519_key.pub)."),
  sshPort: z.number().int().min(1).max(65535).default(22),
});

const system = z.strictObject({
  timezone: z.string().superRefine(rule(timezoneProblem)).default("Europe/Amsterdam"),
  swapMb: z.number().int().min(0).max(65536).default(2048),
  rebootWindow: z
    .string()
    .regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, { error: "must be HH:MM (24 hour clock)" })
    .default("04:00")
    .describe("When unattended-upgrades may reboot for a kernel update."),
  backupRetention: DURATION_DAYS.max(MAX_BACKUP_RETENTION_DAYS, {
    error: `keeps a database dump of every day on the server's disk: ${MAX_BACKUP_RETENTION_DAYS} (ten years) is the most; keep the days you need (7 is the default) and copy older dumps elsewhere`,
  }).default(7),
});

export const acmeDirectory = z
  .string()
  .superRefine(rule(acmeDirectoryProblem))
  .default("production")
  .describe(
    "production or staging (Let's Encrypt), or the https:// URL of another ACME CA's directory " +
      "(ZeroSSL, Google Trust Services, an own step-ca).",
  );

const acme = z.strictObject({
  email: z.email({ error: "is not an e-mail address" }),
  mode: z.enum(["acme", "self-signed"]).default("acme"),
  directory: acmeDirectory,
  dnsProvider: z
    .string()
    .superRefine(rule(dnsProviderProblem))
    .default("hetzner")
    .describe(
      "lego's DNS provider for DNS-01; its credentials come from the environment (lego's variables).",
    ),
  recursiveNameservers: z
    .array(z.string().superRefine(rule(nameserverProblem)))
    .min(1, { error: "needs at least one nameserver, or remove recursiveNameservers" })
    .optional()
    .describe(
      "The resolvers (host:port) lego asks whether the DNS-01 record is there, instead of the system's.",
    ),
  disableCompletePropagation: z
    .boolean()
    .default(false)
    .describe(
      "Skip lego's check that every authoritative nameserver of a name has the DNS-01 record before the CA " +
        "is asked to look (for DNS servers that answer no SOA, such as pebble-challtestsrv). The CA still checks.",
    ),
  keyType: z.enum(["P256", "P384", "2048", "4096"]).default("P256"),
});

const remoteWorkerHost = z.strictObject({
  count: z.number().int().min(1).max(20).default(1),
  type: z
    .string()
    .regex(/^[a-z]+[0-9]+$/)
    .default("cx23"),
  location: z.enum(HETZNER_LOCATIONS).default("nbg1"),
  roles: z.record(z.string(), z.array(worker)).describe("Worker roles per instance name."),
});

const remoteWorkers = z.strictObject({
  port: z.number().int().min(1024).max(65535).default(1337),
  allowedNetworks: z.array(cidr).min(1, { error: "needs at least one network, or remove remoteWorkers" }),
  clients: z.array(name("client")).default([]).describe("Unmanaged remote workers that get a certificate."),
  hosts: z.record(name("worker host group"), remoteWorkerHost).default({}),
});

const monitoring = z.strictObject({
  enabled: z.boolean().default(true),
  retentionDays: DURATION_DAYS.max(PROMETHEUS_MAX_DAYS, {
    error: `is past what Prometheus reads as a duration (${PROMETHEUS_MAX_DAYS} days, 2^63 nanoseconds), so it would not start: keep the days you need (30 is the default)`,
  }).default(30),
  retentionSizeGb: z.number().int().min(1).default(5),
  alertEmail: z.email().optional(),
  alertWebhook: z
    .boolean()
    .default(false)
    .describe(
      `Post alerts to the URL in ${environmentVariableOf(ALERT_SECRET_VARIABLES.webhookUrl)} (webhook URLs hold a secret).`,
    ),
});

const state = z.strictObject({
  bucket: z.string().superRefine(rule(bucketNameProblem)).optional(),
  region: z
    .string()
    .regex(REGION, { error: "is not a region name (lower-case letters, digits and dashes, e.g. fsn1)" })
    .default("eu-central"),
  endpoint: z.url().superRefine(rule(stateEndpointProblem)).optional(),
  prefix: z
    .string()
    // The state's key is <prefix>/<organisation>.tfstate: a slash at either end or two in a row make an empty
    // path segment, which some S3 stores refuse and others keep as a key apart.
    .regex(/^[a-z0-9_-]+(\/[a-z0-9_-]+)*$/, {
      error:
        "is not a key prefix: lower-case letters, digits, _ and -, in parts joined by single slashes (failmap or failmap/eu), without a slash at either end",
    })
    .default("failmap"),
});

const images = z.strictObject({
  registryMirror: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?(\/[a-z0-9._-]+)*$/, {
      error:
        "is not a registry address (for example registry.faalkaart.nl or registry.faalkaart.nl:5000/hub)",
      abort: true,
    })
    // Docker takes the first part of an image name for a registry only with a dot, a port or as localhost.
    .refine((mirror) => /^([^/]*[.:][^/]*|localhost)(\/|$)/.test(mirror), {
      error:
        "has no dot or port in its host, so Docker would read it as an account on Docker Hub, not as a registry; write the registry's full name (registry.faalkaart.nl) or add its port (mirror:5000)",
    })
    .optional()
    .describe(
      "Pull every image through this registry (Docker Hub rate-limits). Docker Hub images are looked up as " +
        "<mirror>/<path>, images of other registries as <mirror>/<registry>/<path>.",
    ),
});

export const organisationSchema = z.strictObject({
  name: name("organisation").describe("Stack name becomes org-<name>."),
  server: z.discriminatedUnion("provider", [hetznerServer, existingServer], {
    error: "needs provider: hetzner (a new Hetzner Cloud server) or existing (a server you reach by SSH)",
  }),
  dnsZone: domain
    .optional()
    .describe("A zone hosted in Hetzner DNS; records for every name are then managed here."),
  users: z.array(user).min(1, { error: "needs at least one user" }),
  sshAllowedNetworks: z.array(cidr).min(1, { error: "needs at least one network allowed to reach SSH" }),
  instances: z
    .record(
      name("instance").refine((n) => !RESERVED_INSTANCE_NAMES.has(n), {
        error: `is a folder the stack keeps beside the instances' own (${HOST_CONFIG_DIR}/<instance>, ${HOST_STATE_DIR}/<instance>); pick another name than ${[...RESERVED_INSTANCE_NAMES].join(", ")}`,
      }),
      instance,
    )
    .refine((r) => Object.keys(r).length > 0, {
      error: "needs at least one instance (for example production)",
    })
    .refine((r) => Object.keys(r).length <= INSTANCE_SLOTS, {
      error: `holds more than ${INSTANCE_SLOTS} instances; run more on another organisation or server`,
    }),
  acme,
  system: system.default(system.parse({})),
  remoteWorkers: remoteWorkers.optional(),
  monitoring: monitoring.default(monitoring.parse({})),
  state: state.default(state.parse({})),
  images: images.default(images.parse({})),
});

export type OrganisationInput = z.input<typeof organisationSchema>;
export type Organisation = z.output<typeof organisationSchema>;
export type Instance = Organisation["instances"][string];
export type Worker = Instance["workers"][number];
export type User = Organisation["users"][number];
export type ServerConfig = Organisation["server"];
export type RemoteWorkersConfig = NonNullable<Organisation["remoteWorkers"]>;
