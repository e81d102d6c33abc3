package main

import (
	"context"

	"github.com/hetznercloud/hcloud-go/v2/hcloud"
)

// firewallRules are the stack's rules: SSH from the office, HTTPS from anywhere on the given port.
func firewallRules(httpsPort string) []hcloud.FirewallRule {
	return []hcloud.FirewallRule{
		{
			Direction: hcloud.FirewallRuleDirectionIn,
			Protocol:  hcloud.FirewallRuleProtocolTCP,
			Port:      hcloud.Ptr("22"),
			SourceIPs: mustCIDRs("192.0.2.0/24", "2001:db8::/32"),
		},
		{
			Direction:   hcloud.FirewallRuleDirectionIn,
			Protocol:    hcloud.FirewallRuleProtocolTCP,
			Port:        hcloud.Ptr(httpsPort),
			SourceIPs:   mustCIDRs("0.0.0.0/0", "::/0"),
			Description: hcloud.Ptr("https"),
		},
	}
}

// createFirewall does what hcloud_firewall's create does: create, wait for its actions, read back by ID.
func createFirewall(ctx context.Context, s *scenario) (outcome, error) {
	result, _, err := s.client.Firewall.Create(ctx, hcloud.FirewallCreateOpts{
		Name:   s.in.Organisation + "-main",
		Labels: s.labels(map[string]string{"managed-by": "cdktf"}),
		Rules:  firewallRules("443"),
	})
	if err != nil {
		return nil, err
	}
	if err := s.client.Action.WaitFor(ctx, result.Actions...); err != nil {
		return nil, err
	}
	return s.readFirewall(ctx, result.Firewall.ID)
}

// changeFirewallRules is an edited rule in the configuration: hcloud_firewall's update sends set_rules.
func changeFirewallRules(ctx context.Context, s *scenario) (outcome, error) {
	actions, _, err := s.client.Firewall.SetRules(ctx, s.firewall, hcloud.FirewallSetRulesOpts{
		Rules: firewallRules("8443"),
	})
	if err != nil {
		return nil, err
	}
	if err := s.client.Action.WaitFor(ctx, actions...); err != nil {
		return nil, err
	}
	return s.readFirewall(ctx, s.firewall.ID)
}

// deleteFirewallInUse deletes the firewall while the server still has it: Hetzner refuses.
func deleteFirewallInUse(ctx context.Context, s *scenario) (outcome, error) {
	_, err := s.client.Firewall.Delete(ctx, s.firewall)
	return outcome{"answer": refusal(err)}, nil
}

func (s *scenario) readFirewall(ctx context.Context, id int64) (outcome, error) {
	firewall, _, err := s.client.Firewall.GetByID(ctx, id)
	if err != nil {
		return nil, err
	}
	s.firewall = firewall
	rules := make([]outcome, len(firewall.Rules))
	for i, rule := range firewall.Rules {
		rules[i] = outcome{
			"direction":   string(rule.Direction),
			"protocol":    string(rule.Protocol),
			"port":        rule.Port,
			"sourceIPs":   cidrs(rule.SourceIPs),
			"description": rule.Description,
		}
	}
	return outcome{
		"name":      firewall.Name,
		"labels":    firewall.Labels,
		"rules":     rules,
		"appliedTo": s.appliedTo(firewall),
	}, nil
}

// appliedTo names the servers a firewall is applied to.
func (s *scenario) appliedTo(firewall *hcloud.Firewall) []string {
	names := []string{}
	for _, resource := range firewall.AppliedTo {
		if resource.Type == hcloud.FirewallResourceTypeServer {
			names = append(names, s.serverName(resource.Server.ID))
		}
	}
	return names
}
