import type { TerraformResource } from "cdktf";

/**
 * A resource's address as `lifecycle.replace_triggered_by` needs it: bare, `type.name`. Given the resource
 * itself, cdktf 0.21 writes `"${type.name}"`, which Terraform refuses as an invalid expression
 * (hashicorp/terraform-cdk#3196 and #3645).
 */
export function resourceAddress(resource: TerraformResource): string {
  return `${resource.terraformResourceType}.${resource.friendlyUniqueId}`;
}
