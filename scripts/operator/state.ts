// Reads an organisation's Terraform state without the stack's provider plugins:
//   npm run state -- <organisation> list | pull | show <address>
import { withDeployedState } from "../../ops/state/deployed-state";
import { showInstance } from "../../ops/state/show";
import { terraform } from "../../ops/state/terraform";

const USAGE = "usage: npm run state -- <organisation> list | pull | show <address>";

function main([name, command, address]: string[]): void {
  if (!name || !["list", "pull", "show"].includes(command) || (command === "show" && !address))
    throw new Error(USAGE);
  const output = withDeployedState(
    name,
    ({ workdir, env, pulled, state }) => {
      if (command === "pull") return pulled;
      if (command === "list") return terraform(["state", "list"], workdir, env);
      return showInstance(state, address);
    },
    (where) => console.error(`state of org-${name}: ${where}`),
  );
  process.stdout.write(output);
}

try {
  main(process.argv.slice(2));
} catch (e) {
  console.error((e as Error).message);
  process.exit(1);
}
