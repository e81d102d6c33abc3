// Monthly Hetzner cost per organisation: `npm run cost [-- <organisation>]`. Uses live prices when
// HCLOUD_TOKEN is set and the API answers, the committed config/data/hetzner-prices.json otherwise (and says which).
import { estimate, renderEstimates } from "../../ops/cost/estimate";
import { currentPrices } from "../../ops/cost/price-table";
import { selectOrganisations } from "../../ops/organisations/select";

async function main([name]: string[]): Promise<void> {
  const organisations = selectOrganisations(name);
  const prices = await currentPrices(process.env.HCLOUD_TOKEN);
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
