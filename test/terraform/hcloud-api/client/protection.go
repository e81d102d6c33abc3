package main

import (
	"context"

	"github.com/hetznercloud/hcloud-go/v2/hcloud"
)

// deleteProtected is a destroy while delete_protection and change_protection are on: Hetzner refuses each
// delete, and the server is still there.
func deleteProtected(ctx context.Context, s *scenario) (outcome, error) {
	_, _, serverErr := s.client.Server.DeleteWithResult(ctx, &hcloud.Server{ID: s.server.ID})
	_, ipErr := s.client.PrimaryIP.Delete(ctx, &hcloud.PrimaryIP{ID: s.primaryIPs[0].ID})
	_, _, rrsetErr := s.client.Zone.DeleteRRSet(ctx, s.inState(s.rrsets[0]))
	server, _, err := s.client.Server.GetByID(ctx, s.server.ID)
	if err != nil {
		return nil, err
	}
	return outcome{
		"server":     refusal(serverErr),
		"primaryIP":  refusal(ipErr),
		"rrset":      refusal(rrsetErr),
		"serverKept": server != nil,
	}, nil
}

// liftProtection is the configuration with protection off, applied before the destroy.
func liftProtection(ctx context.Context, s *scenario) (outcome, error) {
	if err := s.changeServerProtection(ctx, false); err != nil {
		return nil, err
	}
	for _, ip := range s.primaryIPs {
		action, _, err := s.client.PrimaryIP.ChangeProtection(ctx, hcloud.PrimaryIPChangeProtectionOpts{ID: ip.ID})
		if err != nil {
			return nil, err
		}
		if err := settle(ctx, s.client, action); err != nil {
			return nil, err
		}
	}
	action, _, err := s.client.Zone.ChangeRRSetProtection(ctx, s.inState(s.rrsets[0]), hcloud.ZoneRRSetChangeProtectionOpts{
		Change: hcloud.Ptr(false),
	})
	if err != nil {
		return nil, err
	}
	if err := settle(ctx, s.client, action); err != nil {
		return nil, err
	}
	server, err := s.readServer(ctx)
	if err != nil {
		return nil, err
	}
	protected := []bool{}
	for _, ip := range s.primaryIPs {
		read, _, err := s.client.PrimaryIP.GetByID(ctx, ip.ID)
		if err != nil {
			return nil, err
		}
		protected = append(protected, read.Protection.Delete)
	}
	rrset, err := s.readRRSet(ctx, s.rrsets[0].ID)
	if err != nil {
		return nil, err
	}
	return outcome{
		"server":     outcome{"delete": server["deleteProtection"], "rebuild": server["rebuildProtection"]},
		"primaryIPs": protected,
		"rrset":      rrset.Protection.Change,
	}, nil
}
