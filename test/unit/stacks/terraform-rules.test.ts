import { Resource } from "@cdktf/provider-null/lib/resource";
import { NullProvider } from "@cdktf/provider-null/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { HcloudProvider } from "../../../.gen/providers/hcloud/provider";
import { SshKey } from "../../../.gen/providers/hcloud/ssh-key";
import { expressionProblem } from "../../../stacks/rules/expression-syntax";
import { TerraformRules } from "../../../stacks/rules/terraform-rules";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIImN/r5l6haFiGmm181HYy2YdG8BycfehwkSuVzopHBE x";

function stackWithRules() {
  const stack = new TerraformStack(Testing.app(), "org-test");
  stack.node.addValidation(new TerraformRules(stack));
  new NullProvider(stack, "null");
  new HcloudProvider(stack, "hcloud", {});
  return stack;
}

const synthErrors = (stack: TerraformStack) => {
  try {
    Testing.fullSynth(stack);
    return "";
  } catch (error) {
    return (error as Error).message;
  }
};

describe("expressions inside ${...}", () => {
  it.each([
    'sha256(join("\\n", [random_password.a.result, tls_locally_signed_cert.b.cert_pem]))',
    "trimspace(tls_private_key.host_key.public_key_openssh)",
    "cidrhost(hcloud_primary_ip.main_ipv6.ip_network, 1)",
    '[for k in var.keys : k.id if k.name != ""]',
    'a.b[0] == null ? "x" : "y"',
    "{ a = 1, b = [2, 3] }",
  ])("accepts %s", (expression) => {
    expect(expressionProblem(expression)).toBeUndefined();
  });

  it("refuses raw text pasted into an expression, as the nftables ruleset once was", () => {
    const pasted =
      'sha256(join("\\n", [#!/usr/sbin/nft -f\n# Managed by failmap\ntable inet failmap {\n}\n]))';
    expect(expressionProblem(pasted)).toMatch(/'#' cannot appear/);
    expect(expressionProblem('join(", ", [some text here])')).toMatch(/two values side by side/);
  });
});

describe("TerraformRules at synth", () => {
  it("fails the synth on a dependency cycle and names both constructs", () => {
    const stack = stackWithRules();
    const a = new Resource(stack, "a", {});
    const b = new Resource(stack, "b", { triggers: { a: a.id } });
    a.addOverride("triggers", { b: b.id });
    expect(synthErrors(stack)).toMatch(/dependency cycle[\s\S]*org-test\/a[\s\S]*org-test\/b/);
  });

  it("fails the synth on an expression that is not one", () => {
    const stack = stackWithRules();
    new Resource(stack, "files", { triggers: { references: '${sha256(join("\\n", [#!/bin/sh]))}' } });
    expect(synthErrors(stack)).toMatch(/org-test\/files .*triggers\.references: \$\{\.\.\.\} does not hold/);
  });

  it("fails the synth on the same SSH key twice in one Hetzner project", () => {
    const stack = stackWithRules();
    new SshKey(stack, "main-key", { name: "org-main-johan", publicKey: KEY });
    new SshKey(stack, "worker-key", { name: "org-worker-johan", publicKey: KEY });
    expect(synthErrors(stack)).toMatch(/same hcloud_ssh_key public key .*uniqueness_error/);
  });

  it("passes a stack that breaks none of them", () => {
    const stack = stackWithRules();
    const a = new Resource(stack, "a", {});
    new Resource(stack, "b", { triggers: { a: a.id } });
    new SshKey(stack, "key", { name: "org-johan", publicKey: KEY });
    expect(synthErrors(stack)).toBe("");
  });
});
