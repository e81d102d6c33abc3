import { Rehearsal } from "../../rehearsal/rehearse/rehearse";

/*
 * npm run rehearse -- <organisation>                 local cloud up, then cdktf deploy
 * npm run rehearse -- <organisation> --down          cdktf destroy, then the local cloud removed
 * npm run rehearse -- <organisation> --cdktf <verb> [arguments]
 *                                                    cdktf diff, deploy, ... on the running rehearsal (its
 *                                                    environment and names), e.g. after editing the stack
 * Deploys the organisation file into a local cloud on this machine (as root); docs/rehearsal.md describes
 * what is real and what is a stand-in.
 */
const USAGE = "usage: npm run rehearse -- <organisation> [--down | --cdktf <verb> [arguments]]";

async function main([name, option, ...rest]: string[]): Promise<number> {
  if (!name || name.startsWith("-")) throw new Error(USAGE);
  if (process.getuid?.() !== 0) throw new Error("the rehearsal boots machines and networks: run it as root");
  const rehearsal = new Rehearsal(name);
  if (option === undefined) return (await rehearsal.up({ echo: true })).code;
  if (option === "--down" && rest.length === 0) {
    await rehearsal.down({ echo: true });
    return 0;
  }
  if (option === "--cdktf" && rest[0]) {
    const run = await rehearsal.progress.step(`cdktf ${rest.join(" ")}`, () =>
      rehearsal.cdktf(rest[0], rest.slice(1), true),
    );
    return run.code;
  }
  throw new Error(USAGE);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(error.message);
    process.exit(1);
  },
);
