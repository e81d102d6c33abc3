// Exports a client certificate from an organisation's stack outputs:
//   npm run client-cert -- <organisation> <name> [--outputs <terraform-output.json>] [--passphrase-file <file>]
// writes client-certs/<organisation>/<name>.p12, <name>.crt.pem, <name>.key.pem and ca.pem.
import path from "node:path";
import { clientBundle, readOutputs } from "../../ops/client-cert/read-outputs";
import { writeBundle } from "../../ops/client-cert/write-bundle";

const USAGE =
  "usage: npm run client-cert -- <organisation> <name> [--outputs <terraform-output.json>] [--passphrase-file <file>]";

export function main(argv: string[], cwd: string = process.cwd()): void {
  const options = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--outputs" || argv[i] === "--passphrase-file") {
      if (argv[i + 1] === undefined) throw new Error(`${argv[i]} needs a file\n${USAGE}`);
      options.set(argv[i], argv[++i]);
    } else if (argv[i].startsWith("--")) {
      throw new Error(`unknown option ${argv[i]}\n${USAGE}`);
    } else {
      positional.push(argv[i]);
    }
  }
  const [organisation, name] = positional;
  if (!organisation || !name || positional.length > 2) throw new Error(USAGE);

  const bundle = clientBundle(readOutputs(organisation, options.get("--outputs")), name);
  const written = writeBundle(bundle, {
    baseDir: cwd,
    organisation,
    name,
    passphraseFile: options.get("--passphrase-file"),
  });
  console.log(`${bundle.kind} certificate for ${bundle.dn}`);
  for (const file of written.files) console.log(`wrote ${path.relative(cwd, file)}`);
  if (written.generatedPassphrase) {
    console.log(`passphrase of the .p12 (shown once, keep it with the file): ${written.generatedPassphrase}`);
  }
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
}
