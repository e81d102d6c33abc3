import { buildImages, NOT_IN_DEBIAN, rehearsalImages } from "./images";
import { LocalRegistry } from "./local-registry";

/*
 * Builds the rehearsal's images and pushes them to a local registry started for the purpose:
 *   tsx rehearsal/images/build-images.ts <listen address> [app image]
 * e.g. 10.250.0.1 (the rehearsal network's gateway; the address must be on an interface of this machine).
 */
async function main(address: string | undefined, appImage: string | undefined): Promise<void> {
  if (!address) throw new Error("usage: build-images.ts <listen address> [app image]");
  const registry = await LocalRegistry.start({ address });
  try {
    console.log(`registry https://${registry.host}, CA ${registry.tls.caFile}`);
    await buildImages(registry, rehearsalImages(appImage), console.log);
    console.log(`placeholders, as Debian has no package of them: ${NOT_IN_DEBIAN.join(", ")}`);
  } finally {
    await registry.stop();
  }
}

main(process.argv[2], process.argv[3]).catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
