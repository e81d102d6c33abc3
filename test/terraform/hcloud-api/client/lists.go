package main

import (
	"context"

	"github.com/hetznercloud/hcloud-go/v2/hcloud"
)

// listByLabel is how operators and data sources find an organisation's objects: list calls with label
// selectors (equality, set-based, negated), and a server found by its name.
func listByLabel(ctx context.Context, s *scenario) (outcome, error) {
	org := "organisation=" + s.in.Organisation
	servers := map[string][]string{}
	for _, selector := range []string{org + ",role=main", "role in (main,mail)", org + ",role=mail", "!role", "organisation!=" + s.in.Organisation} {
		found, err := s.client.Server.AllWithOpts(ctx, hcloud.ServerListOpts{ListOpts: hcloud.ListOpts{LabelSelector: selector}})
		if err != nil {
			return nil, err
		}
		servers[selector] = sortedNames(found, func(x *hcloud.Server) string { return x.Name })
	}
	keys, err := s.client.SSHKey.AllWithOpts(ctx, hcloud.SSHKeyListOpts{ListOpts: hcloud.ListOpts{LabelSelector: org}})
	if err != nil {
		return nil, err
	}
	firewalls, err := s.client.Firewall.AllWithOpts(ctx, hcloud.FirewallListOpts{ListOpts: hcloud.ListOpts{LabelSelector: "managed-by=cdktf"}})
	if err != nil {
		return nil, err
	}
	ips, err := s.client.PrimaryIP.AllWithOpts(ctx, hcloud.PrimaryIPListOpts{ListOpts: hcloud.ListOpts{LabelSelector: org}})
	if err != nil {
		return nil, err
	}
	byName, _, err := s.client.Server.GetByName(ctx, s.in.ServerName)
	if err != nil {
		return nil, err
	}
	return outcome{
		"servers":      servers,
		"sshKeys":      sortedNames(keys, func(x *hcloud.SSHKey) string { return x.Name }),
		"firewalls":    sortedNames(firewalls, func(x *hcloud.Firewall) string { return x.Name }),
		"primaryIPs":   sortedNames(ips, func(x *hcloud.PrimaryIP) string { return x.Name }),
		"serverByName": byName != nil && byName.ID == s.server.ID,
	}, nil
}
