import { resolveOrganisation } from "../../../config/model/organisation-model";
import type { Organisation } from "../../../config/schema";
import { instanceNames } from "../../../constructs/app/names";
import { ExistingHost } from "../../../constructs/host/existing-host";
import { shellQuote } from "../../../constructs/host/host-files";
import { RemoteWorkers } from "../../../constructs/remote-workers/remote-workers";
import { Certificates } from "../../../constructs/tls/certificates";
import { renderNginxReload } from "../../../constructs/webserver/nginx-reload";
import { ClientCertificateAuthority } from "../../../constructs/tls/client-certificate-authority";
import { loadExample } from "../../support/organisations";
import { ready } from "../../support/ready-host";
import { HOST_KEY, privateKeyMentions, resources, synth, testStack } from "../tls/synth";

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

describe("RemoteWorkers for faalkaart", () => {
  const org = loadExample();
  const { synthesized, host } = synthRemoteWorkers(org);
  const endpoint = containers(synthesized).find((c) => c.name === "failmap-broker-endpoint")!;
  const workers = containers(synthesized).filter((c) => c.name !== "failmap-broker-endpoint");

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
      restart: "unless-stopped",
      destroy_grace_seconds: 30,
      labels: expect.arrayContaining([
        { label: "failmap.organisation", value: "faalkaart" },
        { label: "failmap.role", value: "broker-endpoint" },
      ]),
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
      expect(worker.provider).toBe("docker.docker-scanners-1");
      expect(
        worker.env.filter((e: string) => e.startsWith("DB_") || e.startsWith("DJANGO_DATABASE")),
      ).toEqual([]);
      expect(worker.env).toContain(`HOST_HOSTNAME=scanners-1.example.org`);
      const broker = worker.env.find((e: string) => e.startsWith("BROKER="));
      expect(broker).toBe(
        'BROKER=rediss://:${urlencode("password-of-production")}@faalkaart.nl:1337/0' +
          "?ssl_cert_reqs=required&ssl_check_hostname=true" +
          "&ssl_certfile=%2Fetc%2Ffailmap%2Ftls%2Fclient.crt&ssl_keyfile=%2Fetc%2Ffailmap%2Ftls%2Fclient.key",
      );
      expect(worker.volumes).toEqual([
        { host_path: "/etc/failmap/remote-worker/tls", container_path: "/etc/failmap/tls", read_only: true },
      ]);
      expect(worker.user).toBe("65534:65534");
    }
  });

  it("gives the worker host's containers the main host's policy: health check, labels, memory, stop grace", () => {
    const worker = workers.find((w) => w.name === "failmap-production-worker-v4-internet-1")!;
    expect(worker).toMatchObject({
      hostname: "failmap-production-worker-v4-internet-1",
      network_mode: "host",
      memory: expect.any(Number),
      restart: "unless-stopped",
      stop_timeout: 300,
      destroy_grace_seconds: 300,
      log_driver: "json-file",
      log_opts: { "max-size": "20m", "max-file": "5" },
      labels: expect.arrayContaining([
        { label: "failmap.organisation", value: "faalkaart" },
        { label: "failmap.instance", value: "production" },
        { label: "failmap.role", value: "worker-v4_internet-1" },
      ]),
    });
    expect(worker.healthcheck.test.join(" ")).toContain(
      'celery inspect ping --timeout 20 --destination "celery@$(hostname)"',
    );
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
    const worker = containers(synthesized).find((c) => c.name === "failmap-production-worker-v4-internet-1")!;
    expect(worker.env.find((e: string) => e.startsWith("BROKER="))).toContain(
      "&ssl_ca_certs=%2Fetc%2Ffailmap%2Ftls%2Fserver-ca.pem&",
    );
  });

  it("names in BROKER only files the worker host receives, in the directory mounted into the workers", () => {
    const { synthesized } = synthRemoteWorkers(
      loadExample("faalkaart", (d) => (d.acme.mode = "self-signed")),
    );
    const worker = containers(synthesized).find((c) => c.name === "failmap-production-worker-v4-internet-1")!;
    const broker: string = worker.env.find((e: string) => e.startsWith("BROKER="));
    const query = new URLSearchParams(broker.slice(broker.indexOf("?") + 1));
    const [mount] = worker.volumes;
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
    expect(worker.user).toBe("65534:65534");
    expect(installed(query.get("ssl_keyfile")!)).toEqual(["0600", "65534", "65534"]);
    expect(installed(query.get("ssl_certfile")!)).toEqual(["0644", "root", "root"]);
    expect(installed(query.get("ssl_ca_certs")!)).toEqual(["0644", "root", "root"]);
  });

  it("runs the image of its instance on the main server (pinned by digest there)", () => {
    const pinned = `websecmap/websecmap@sha256:${"a".repeat(64)}`;
    const images = resources(
      synthRemoteWorkers(loadExample(), { production: pinned }).synthesized,
      "docker_image",
    );
    expect(images.map((i) => i.name).filter((n) => n.startsWith("websecmap/"))).toEqual([pinned]);
  });

  it("names replicas apart", () => {
    const { synthesized } = synthRemoteWorkers(
      loadExample(
        "faalkaart",
        (d) => (d.remoteWorkers.hosts.scanners.roles.production = [{ role: "qualys", replicas: 2 }]),
      ),
    );
    expect(
      containers(synthesized)
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
