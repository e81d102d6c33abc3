package main

import (
	"context"
	"fmt"

	"github.com/hetznercloud/hcloud-go/v2/hcloud"
)

// createPrimaryIPs does what hcloud_primary_ip's create does for the stack's addresses, which outlive a
// replaced server: create in a location, settle the actions, turn delete protection on, read back by ID.
func createPrimaryIPs(ctx context.Context, s *scenario) (outcome, error) {
	ips := []outcome{}
	for _, ipType := range []hcloud.PrimaryIPType{hcloud.PrimaryIPTypeIPv4, hcloud.PrimaryIPTypeIPv6} {
		// assignee_type = "server" in the configuration; with a location the provider leaves it out of the
		// request, as it does the (unknown) assignee.
		result, _, err := s.client.PrimaryIP.Create(ctx, hcloud.PrimaryIPCreateOpts{
			Name:       fmt.Sprintf("%s-%s", s.in.ServerName, ipType),
			Type:       ipType,
			Location:   location,
			AutoDelete: hcloud.Ptr(false),
			Labels:     s.labels(nil),
		})
		if err != nil {
			return nil, err
		}
		if err := settle(ctx, s.client, result.Action); err != nil {
			return nil, err
		}
		action, _, err := s.client.PrimaryIP.ChangeProtection(ctx, hcloud.PrimaryIPChangeProtectionOpts{
			ID:     result.PrimaryIP.ID,
			Delete: true,
		})
		if err != nil {
			return nil, err
		}
		if err := settle(ctx, s.client, action); err != nil {
			return nil, err
		}
		ip, _, err := s.client.PrimaryIP.GetByID(ctx, result.PrimaryIP.ID)
		if err != nil {
			return nil, err
		}
		s.primaryIPs = append(s.primaryIPs, ip)
		ips = append(ips, s.describePrimaryIP(ip))
	}
	return outcome{"primaryIPs": ips}, nil
}

// readPrimaryIPAssignees is the refresh after the server was created with the primary IPs.
func readPrimaryIPAssignees(ctx context.Context, s *scenario) (outcome, error) {
	ips := []outcome{}
	for _, created := range s.primaryIPs {
		ip, _, err := s.client.PrimaryIP.GetByID(ctx, created.ID)
		if err != nil {
			return nil, err
		}
		ips = append(ips, s.describePrimaryIP(ip))
	}
	return outcome{"primaryIPs": ips}, nil
}

func (s *scenario) describePrimaryIP(ip *hcloud.PrimaryIP) outcome {
	address := ip.IP.String()
	if ip.Type == hcloud.PrimaryIPTypeIPv6 {
		address = ip.Network.String()
	}
	result := outcome{
		"name":             ip.Name,
		"type":             string(ip.Type),
		"address":          address,
		"location":         nil,
		"autoDelete":       ip.AutoDelete,
		"deleteProtection": ip.Protection.Delete,
		"assignee":         nil,
		"labels":           ip.Labels,
	}
	if ip.Location != nil {
		result["location"] = ip.Location.Name
	}
	if ip.AssigneeID != 0 {
		result["assignee"] = fmt.Sprintf("%s %s", ip.AssigneeType, s.serverName(ip.AssigneeID))
	}
	return result
}

// settle waits for actions as the provider's hcloudutil.SettleActions does: nil actions are skipped, and every
// action that ends in error is reported.
func settle(ctx context.Context, client *hcloud.Client, actions ...*hcloud.Action) error {
	var failed []error
	err := client.Action.WaitForFunc(ctx, func(update *hcloud.Action) error {
		if update.Status == hcloud.ActionStatusError {
			failed = append(failed, update.Error())
		}
		return nil
	}, actions...)
	if err != nil {
		return err
	}
	if len(failed) > 0 {
		return failed[0]
	}
	return nil
}
