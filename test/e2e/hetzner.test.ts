import { describeDeployedOrganisation } from "./deployed-organisation";

// Servers from the local Hetzner API, a DNS zone, pebble's certificates, a remote worker host, monitoring.
describeDeployedOrganisation("e2e-hetzner", {
  certificates: "pebble",
  brokerClient: "volunteer",
  monitoring: true,
});
