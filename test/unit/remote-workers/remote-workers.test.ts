import { resolveOrganisation } from "../../../config/model/organisation-model";
import type { Organisation } from "../../../config/schema";
import { instanceNames } from "../../../config/model/names";
import { ExistingHost } from "../../../constructs/host/existing-host";
import { shellQuote } from "../../../constructs/host/host-files";
import { RemoteWorkers } from "../../../constructs/remote-workers/remote-workers";
import { Certificates } from "../../../constructs/tls/certificates";
import { renderNginxReload } from "../../../constructs/webserver/nginx-reload";
import { ClientCertificateAuthority } from "../../../constructs/tls/client-certificate-authority";
import { loadExample } from "../../support/organisations";
import { ready } from "../../support/ready-host";
import { uploadedFiles } from "../monitoring/fixture";
import { HOST_KEY, privateKeyMentions, resources, synth, testStack, type Synthesized } from "../tls/synth";

function synthRemoteWorkers(org: Organisation, images: Record<string, string> = {}) {
  const model = resolveOrganisation(org);
  const { stack, host } = testStack(org.server.fqdn);
  const certificates = new Certificates(stack, "certificates", {
    acme: org.acme,
    sites: [{ host, names: [] }],
  });
  const clientCa = new ClientCertificateAuthority(stack, "client-ca", {
    organisation: org.name,
    ...model.certificateHolders,
  });
  const workerHosts = model.workerHosts.map((worker, i) => ({
    model: worker,
    host: ready(
      new ExistingHost(stack, worker.name, {
        fqdn: `${worker.name}.example.org`,
        address: `192.0.2.${20 + i}`,
        hostPublicKey: HOST_KEY,
      }),
    ),
  }));
  new RemoteWorkers(stack, "remote-workers", {
    organisation: org.name,
    config: org.remoteWorkers,
    main: host,
    serverCertificate: certificates.certificateFor(host),
    serverTrustAnchorPem: certificates.trustAnchorFor(host),
    clientCa,
    instances: model.instances.map((i) => ({
      model: i,
      name: i.name,
      instance: i.settings,
      names: instanceNames(i.name),
      broker: { address: `127.0.0.1:${i.ports.broker}`, password: `password-of-${i.name}` },
      image: images[i.name] ?? i.settings.image,
    })),
    workerHosts,
  });
  return { synthesized: synth(stack), host, workerHosts, stack };
}

function containers(synthesized: Record<string, any>) {
  return resources(synthesized, "docker_container");
}

const CONTAINERS_SCRIPT = "/etc/failmap/workers/containers.sh";
const ENV_DIR = "/etc/failmap/workers/env/";

/**
 * The worker host's containers as its files say: each one's environment file (name, lines, install mode)
 * and its docker run arguments from the script (quoted words; none holds a quote).
 */
function workerContainersOf(synthesized: Synthesized) {
  const files = uploadedFiles({ resource: synthesized.resource });
  const runs = (files.get(CONTAINERS_SCRIPT) ?? "")
    .split("\n")
    .filter((line) => /^container_\d+\(\)/.test(line))
    .map((line) => [...line.matchAll(/'([^']*)'/g)].map((m) => m[1]));
  const installs = JSON.stringify(synthesized);
  return [...files]
    .filter(([path]) => path.startsWith(ENV_DIR))
    .map(([path, content]) => {
      const name = path.slice(ENV_DIR.length);
      const args = runs.find((a) => a.includes(`--name=${name}`)) ?? [];
      return {
        name,
        env: content.trimEnd().split("\n"),
        envMode: new RegExp(`install -D -m (\\d+) -o root -g root \\S+ ${path}`).exec(installs)?.[1],
        args,
        option: (key: string) =>
          args.filter((a) => a.startsWith(`--${key}=`)).map((a) => a.slice(key.length + 3)),
      };
    });
}

describe("RemoteWorkers for faalkaart", () => {
  const org = loadExample();
  const { synthesized, host } = synthRemoteWorkers(org);
  const endpoint = containers(synthesized).find((c) => c.name === "failmap-broker-endpoint")!;
  const workers = workerContainersOf(synthesized);

  it("opens the broker port only to the configured networks and the managed worker hosts", () => {
    expect(host.inboundRules).toEqual([
      {
        description: "Remote workers to the broker endpoint",
        protocol: "tcp",
        port: 1337,
        sources: ["198.51.100.0/24", "192.0.2.20/32"],
      },
    ]);
  });

  it("runs the endpoint as nginx on the host network, configured from files it reloads", () => {
    expect(endpoint).toMatchObject({
      network_mode: "host",
      memory: 128,
      destroy_grace_seconds: 30,
      labels: expect.arrayContaining([{ label: "failmap.role", value: "broker-endpoint" }]),
      image: expect.stringMatching(/docker_image\.[\w-]+\.image_id/),
      // nginx itself, whatever the image's entrypoint: a stand-in's took the command's `nginx` for an option.
      entrypoint: ["nginx"],
      command: ["-c", "/etc/failmap/broker-endpoint/nginx.conf", "-g", "daemon off;"],
      stop_signal: "SIGQUIT",
      // The apply waits for it to be healthy: a crash loop fails it.
      healthcheck: expect.objectContaining({
        test: ["CMD", "nginx", "-t", "-q", "-c", "/etc/failmap/broker-endpoint/nginx.conf"],
      }),
      wait: true,
      volumes: [
        {
          host_path: "/etc/failmap/broker-endpoint",
          container_path: "/etc/failmap/broker-endpoint",
          read_only: true,
        },
      ],
    });
    const files = resources(synthesized, "null_resource").find((r) =>
      JSON.stringify(r).includes("/etc/failmap/broker-endpoint/nginx.conf"),
    )!;
    const nginxConf = files.provisioner.find((p: any) => p.file?.content.includes("stream {")).file
      .content as string;
    expect(nginxConf).toContain('"1:faalkaart.nl" failmap_broker_production;');
    expect(nginxConf).toContain('"1:staging.faalkaart.nl" failmap_broker_staging;');
    expect(nginxConf).toMatch(
      /"serialNumber=\$\{random_id\.[\w-]+\.hex\},CN=scanner-amsterdam,O=faalkaart" 1;/,
    );
    expect(nginxConf).toMatch(/CN=scanners-1,O=faalkaart" 1;/);
    expect(nginxConf).not.toMatch(/CN=johan/);
    const install = files.provisioner.at(-1)["remote-exec"].inline.join("\n");
    expect(install).toMatch(
      /install -D -m 0600 -o root -g root \S+ \/etc\/failmap\/broker-endpoint\/server.key/,
    );
    expect(install).toContain(
      `sudo sh -c ${shellQuote(renderNginxReload("failmap-broker-endpoint", "/etc/failmap/broker-endpoint/nginx.conf"))}`,
    );
    expect(endpoint.depends_on).toContain(
      `null_resource.${Object.keys(synthesized.resource.null_resource).find((k) => synthesized.resource.null_resource[k] === files)}`,
    );
  });

  it("runs the worker host's scanner roles with the broker over TLS and no database settings", () => {
    expect(workers.map((w) => w.name).sort()).toEqual([
      "failmap-production-worker-v4-internet-1",
      "failmap-production-worker-v6-internet-1",
    ]);
    for (const worker of workers) {
      expect(worker.env.filter((e) => e.startsWith("DB_") || e.startsWith("DJANGO_DATABASE"))).toEqual([]);
      expect(worker.env).toContain(`HOST_HOSTNAME=scanners-1.example.org`);
      const broker = worker.env.find((e) => e.startsWith("BROKER="));
      expect(broker).toBe(
        'BROKER=rediss://:${urlencode("password-of-production")}@faalkaart.nl:1337/0' +
          "?ssl_cert_reqs=required&ssl_check_hostname=true" +
          "&ssl_certfile=%2Fetc%2Ffailmap%2Ftls%2Fclient.crt&ssl_keyfile=%2Fetc%2Ffailmap%2Ftls%2Fclient.key",
      );
      // The broker password is in it: root's only, handed to docker run with --env-file.
      expect(worker.envMode).toBe("0600");
      expect(worker.option("env-file")).toEqual([`${ENV_DIR}${worker.name}`]);
      expect(worker.option("volume")).toEqual(["/etc/failmap/remote-worker/tls:/etc/failmap/tls:ro"]);
      expect(worker.option("user")).toEqual(["65534:65534"]);
      expect(worker.option("network")).toEqual(["host"]);
    }
  });

  it("binds no docker provider to the worker host, so that removing it leaves no resource without one", () => {
    const providers = Object.values(synthesized.provider.docker as { alias: string }[]).map((p) => p.alias);
    expect(providers).toEqual([expect.not.stringContaining("scanners")]);
    const onWorkerHost = Object.entries(synthesized.resource as Record<string, Record<string, any>>).flatMap(
      ([type, blocks]) =>
        Object.entries(blocks)
          .filter(([name]) => name.includes("scanners-1"))
          .map(([name, b]) => [type, name, b.provider]),
    );
    expect(onWorkerHost.filter(([type]) => type.startsWith("docker_"))).toEqual([]);
  });

  it("runs the containers by a script after their files change, with the main host's policy", () => {
    const files = resources(synthesized, "null_resource").find((r) =>
      JSON.stringify(r).includes(CONTAINERS_SCRIPT),
    )!;
    const inline: string[] = files.provisioner.at(-1)["remote-exec"].inline;
    expect(inline).toContain(
      `sudo install -D -m 0700 -o root -g root ${inline
        .find((l) => l.endsWith(CONTAINERS_SCRIPT))!
        .split(" ")
        .at(-2)} ${CONTAINERS_SCRIPT}`,
    );
    expect(inline.at(-1)).toBe(`sudo sh -c ${shellQuote(CONTAINERS_SCRIPT)}`);
    const worker = workers.find((w) => w.name === "failmap-production-worker-v4-internet-1")!;
    expect(worker.args).toEqual(
      expect.arrayContaining([
        "--hostname=failmap-production-worker-v4-internet-1",
        "--restart=unless-stopped",
        "--stop-timeout=300",
        "--log-driver=json-file",
        "--log-opt=max-size=20m",
        "--log-opt=max-file=5",
        "--label=failmap.organisation=faalkaart",
        "--label=failmap.instance=production",
        "--label=failmap.role=worker-v4_internet-1",
      ]),
    );
    expect(worker.option("health-cmd")).toEqual([
      'websecmap celery inspect ping --timeout 20 --destination "celery@$(hostname)"',
    ]);
  });

  it("delivers each worker host its own client certificate, the key readable only by the worker user", () => {
    const files = resources(synthesized, "null_resource").find((r) =>
      JSON.stringify(r).includes("/etc/failmap/remote-worker/tls/client.key"),
    )!;
    const install = files.provisioner.at(-1)["remote-exec"].inline.join("\n");
    expect(install).toMatch(
      /install -D -m 0600 -o 65534 -g 65534 \S+ \/etc\/failmap\/remote-worker\/tls\/client.key/,
    );
    const keyUpload = files.provisioner.find((p: any) => p.file?.destination.endsWith("/1")).file.content;
    expect(keyUpload).toMatch(
      /^\$\{tls_private_key\.client-ca_client-scanners-1_key_[\w]+\.private_key_pem\}$/,
    );
  });

  it("puts no private key in the configuration except as references delivered to hosts or in the sensitive output", () => {
    const places = privateKeyMentions(synthesized);
    const allowed = places.filter(
      (at) =>
        /^\$\.resource\.null_resource\.[\w-]+\.provisioner\[\d+\]\.file\.content$/.test(at) ||
        /^\$\.resource\.null_resource\.[\w-]+\.triggers\.(content|references)$/.test(at) ||
        /^\$\.resource\.(tls_cert_request|tls_self_signed_cert|tls_locally_signed_cert|acme_registration)\./.test(
          at,
        ) ||
        /^\$\.output\.client_certificates\.value\.[\w-]+\.private_key_pem$/.test(at),
    );
    expect(places).toEqual(allowed);
    expect(synthesized.output.client_certificates.sensitive).toBe(true);
    expect(JSON.stringify(synthesized)).not.toMatch(/BEGIN [A-Z ]*PRIVATE KEY/);
  });
});

describe("broker passwords for unmanaged workers", () => {
  it("are a sensitive output, so operators can hand them over", () => {
    const { synthesized } = synthRemoteWorkers(loadExample());
    expect(synthesized.output.broker_passwords).toMatchObject({ sensitive: true });
  });
});

describe("RemoteWorkers variations", () => {
  it("creates no endpoint and opens no port without a remoteWorkers section", () => {
    const { synthesized, host } = synthRemoteWorkers(loadExample("faalkaart", (d) => delete d.remoteWorkers));
    expect(host.inboundRules).toEqual([]);
    expect(containers(synthesized)).toEqual([]);
    expect(synthesized.output?.broker_passwords).toBeUndefined();
  });

  it("opens the port to exactly the configured networks when there are no worker hosts", () => {
    const { host } = synthRemoteWorkers(
      loadExample("faalkaart", (d) => {
        d.remoteWorkers.hosts = {};
        d.remoteWorkers.allowedNetworks = ["198.51.100.0/24", "2001:db8:77::/48"];
      }),
    );
    expect(host.inboundRules.map((r) => [r.port, r.sources])).toEqual([
      [1337, ["198.51.100.0/24", "2001:db8:77::/48"]],
    ]);
  });

  it("lets workers trust a self-signed endpoint certificate", () => {
    const { synthesized } = synthRemoteWorkers(
      loadExample("faalkaart", (d) => (d.acme.mode = "self-signed")),
    );
    const worker = workerContainersOf(synthesized).find(
      (c) => c.name === "failmap-production-worker-v4-internet-1",
    )!;
    expect(worker.env.find((e) => e.startsWith("BROKER="))).toContain(
      "&ssl_ca_certs=%2Fetc%2Ffailmap%2Ftls%2Fserver-ca.pem&",
    );
  });

  it("names in BROKER only files the worker host receives, in the directory mounted into the workers", () => {
    const { synthesized } = synthRemoteWorkers(
      loadExample("faalkaart", (d) => (d.acme.mode = "self-signed")),
    );
    const worker = workerContainersOf(synthesized).find(
      (c) => c.name === "failmap-production-worker-v4-internet-1",
    )!;
    const broker = worker.env.find((e) => e.startsWith("BROKER="))!;
    const query = new URLSearchParams(broker.slice(broker.indexOf("?") + 1));
    const [hostPath, containerPath] = worker.option("volume")[0].split(":");
    const mount = { host_path: hostPath, container_path: containerPath };
    const files = resources(synthesized, "null_resource").find((r) =>
      JSON.stringify(r).includes("/etc/failmap/remote-worker/tls/client.key"),
    )!;
    const install: string = files.provisioner.at(-1)["remote-exec"].inline.join("\n");
    const installed = (inContainer: string) => {
      expect(inContainer.startsWith(`${mount.container_path}/`)).toBe(true);
      const onHost = `${mount.host_path}${inContainer.slice(mount.container_path.length)}`;
      const line = install.split("\n").find((l) => l.endsWith(` ${onHost}`));
      return line?.match(/-m (\d+) -o (\S+) -g (\S+)/)?.slice(1);
    };
    // The worker runs as 65534: the key is its own, the certificates are world-readable.
    expect(worker.option("user")).toEqual(["65534:65534"]);
    expect(installed(query.get("ssl_keyfile")!)).toEqual(["0600", "65534", "65534"]);
    expect(installed(query.get("ssl_certfile")!)).toEqual(["0644", "root", "root"]);
    expect(installed(query.get("ssl_ca_certs")!)).toEqual(["0644", "root", "root"]);
  });

  it("runs the image of its instance on the main server (pinned by digest there)", () => {
    const pinned = `websecmap/websecmap@sha256:${"a".repeat(64)}`;
    const { synthesized } = synthRemoteWorkers(loadExample(), { production: pinned });
    const script = uploadedFiles({ resource: synthesized.resource }).get(CONTAINERS_SCRIPT)!;
    expect(script).toContain(`docker pull '${pinned}'`);
    for (const worker of workerContainersOf(synthesized)) {
      expect(worker.args.slice(-7)).toEqual([
        pinned,
        "celery",
        "worker",
        "--loglevel=info",
        "--concurrency=20",
        "-P",
        "threads",
      ]);
    }
  });

  it("names replicas apart", () => {
    const { synthesized } = synthRemoteWorkers(
      loadExample(
        "faalkaart",
        (d) => (d.remoteWorkers.hosts.scanners.roles.production = [{ role: "qualys", replicas: 2 }]),
      ),
    );
    expect(
      workerContainersOf(synthesized)
        .map((c) => c.name)
        .filter((n) => n.includes("qualys"))
        .sort(),
    ).toEqual(["failmap-production-worker-qualys-1", "failmap-production-worker-qualys-2"]);
  });

  it("refuses roles that need the database on a worker host, even past the file checks", () => {
    // The organisation loader already refuses this with the field's path; the construct guards its own use.
    const org = loadExample();
    const storage = { role: "storage" as const, concurrency: 6, replicas: 1, scanner: false };
    const hosts = { scanners: { ...org.remoteWorkers!.hosts.scanners, roles: { production: [storage] } } };
    expect(() => synthRemoteWorkers({ ...org, remoteWorkers: { ...org.remoteWorkers!, hosts } })).toThrow(
      /the storage worker needs the database, which only the main host has; worker hosts run scanners only/,
    );
  });
});
