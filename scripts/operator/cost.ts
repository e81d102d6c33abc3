// Monthly Hetzner cost per organisation: `npm run cost [-- <organisation>]`. Uses live prices when
// HCLOUD_TOKEN is set, the committed ops/cost/prices.json otherwise.
import { estimate, renderEstimates } from "../../ops/cost/estimate";
import { committedPrices, livePrices } from "../../ops/cost/price-table";
import { selectOrganisations } from "../../ops/organisations/select";

async function main([name]: string[]): Promise<void> {
  const organisations = selectOrganisations(name);
  const token = process.env.HCLOUD_TOKEN;
  const prices = token ? await livePrices(token) : committedPrices();
  process.stdout.write(
    renderEstimates(
      organisations.map((o) => estimate(o, prices)),
      prices,
    ),
  );
}

main(process.argv.slice(2)).catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
