import { Container } from "@cdktf/provider-docker/lib/container";
import type { IAspect } from "cdktf";
import type { IConstruct } from "constructs";
import { CONTAINER_LABELS } from "../../config/model/labels";

/**
 * Every docker_container of the stack carries the organisation's label, first among its labels: the host
 * commands (failmap-deploy, failmap-rollback), the dashboards and the worker hosts' cleanup find an
 * organisation's containers by it, so a container without it, or with another organisation's, would be
 * missed or taken for another's. Constructs label what only they know (the instance, the role).
 *
 * Networks and volumes keep the labels their constructs give them: a label changed on either replaces it,
 * and a replaced broker volume loses the queue.
 */
export class OrganisationLabel implements IAspect {
  constructor(private readonly organisation: string) {}

  visit(node: IConstruct): void {
    if (!(node instanceof Container)) return;
    const others = (Array.isArray(node.labelsInput) ? node.labelsInput : []).filter(
      (l) => l.label !== CONTAINER_LABELS.organisation,
    );
    node.putLabels([{ label: CONTAINER_LABELS.organisation, value: this.organisation }, ...others]);
  }
}
