import { Rehearsal } from "../../rehearsal/rehearse/rehearse";

/*
 * npm run rehearse -- <organisation> [--down]
 * Deploys the organisation file into a local cloud on this machine (as root), or removes it all again.
 * docs/rehearsal.md describes what is real and what is a stand-in.
 */
async function main(args: string[]): Promise<void> {
  const down = args.includes("--down");
  const names = args.filter((a) => a !== "--down");
  if (names.length !== 1 || names[0].startsWith("-")) {
    throw new Error("usage: npm run rehearse -- <organisation> [--down]");
  }
  if (process.getuid?.() !== 0) throw new Error("the rehearsal boots machines and networks: run it as root");
  const rehearsal = new Rehearsal(names[0]);
  if (down) await rehearsal.down({ echo: true });
  else await rehearsal.up({ echo: true });
}

main(process.argv.slice(2)).catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
