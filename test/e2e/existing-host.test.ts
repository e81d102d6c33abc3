import { describeDeployedOrganisation } from "./deployed-organisation";

// An existing server prepared by hand as docs/hosting.md says, self-signed certificates, no monitoring.
describeDeployedOrganisation("e2e-existing", { certificates: "self-signed", monitoring: false });
