package main

import (
	"context"

	"github.com/hetznercloud/hcloud-go/v2/hcloud"
)

// destroy does what `terraform destroy` does, in its order (what depends on others first) and with each
// resource's delete as the provider writes it.
func destroy(ctx context.Context, s *scenario) (outcome, error) {
	for _, rrset := range s.rrsets {
		result, _, err := s.client.Zone.DeleteRRSet(ctx, s.inState(rrset))
		if err != nil {
			return nil, err
		}
		if err := settle(ctx, s.client, result.Action); err != nil {
			return nil, err
		}
	}

	deleted, _, err := s.client.Server.DeleteWithResult(ctx, &hcloud.Server{ID: s.server.ID})
	if err != nil {
		return nil, err
	}
	// Whether the client had to poll: the delete action runs while the machine is removed.
	deleteAction := string(deleted.Action.Status)
	if err := s.client.Action.WaitFor(ctx, deleted.Action); err != nil {
		return nil, err
	}

	// hcloud_firewall: detach from whatever it is still applied to, then delete.
	firewall, _, err := s.client.Firewall.GetByID(ctx, s.firewall.ID)
	if err != nil {
		return nil, err
	}
	appliedTo := s.appliedTo(firewall)
	if len(firewall.AppliedTo) > 0 {
		actions, _, err := s.client.Firewall.RemoveResources(ctx, firewall, firewall.AppliedTo)
		if err != nil {
			return nil, err
		}
		if err := s.client.Action.WaitFor(ctx, actions...); err != nil {
			return nil, err
		}
	}
	if _, err := s.client.Firewall.Delete(ctx, firewall); err != nil {
		return nil, err
	}

	// hcloud_primary_ip: still assigned to a server that exists, it would be unassigned first.
	assignees := []any{}
	for _, ip := range s.primaryIPs {
		read, _, err := s.client.PrimaryIP.GetByID(ctx, ip.ID)
		if err != nil {
			return nil, err
		}
		assignees = append(assignees, s.describePrimaryIP(read)["assignee"])
		if _, err := s.client.PrimaryIP.Delete(ctx, ip); err != nil && !hcloud.IsError(err, hcloud.ErrorCodeNotFound) {
			return nil, err
		}
	}

	for _, key := range s.sshKeys {
		if _, err := s.client.SSHKey.Delete(ctx, &hcloud.SSHKey{ID: key.ID}); err != nil {
			return nil, err
		}
	}
	return outcome{
		"deleteServerAction":         deleteAction,
		"firewallAppliedTo":          appliedTo,
		"primaryIPAssigneesAtDelete": assignees,
	}, nil
}

// readAfterDestroy is a refresh after the destroy: hcloud-go answers a read of a deleted object with nil (the
// provider then drops it from the state), and a second delete with not_found (which the provider ignores).
func readAfterDestroy(ctx context.Context, s *scenario) (outcome, error) {
	server, _, err := s.client.Server.Get(ctx, s.server.Name)
	if err != nil {
		return nil, err
	}
	serverByID, _, err := s.client.Server.GetByID(ctx, s.server.ID)
	if err != nil {
		return nil, err
	}
	firewall, _, err := s.client.Firewall.GetByID(ctx, s.firewall.ID)
	if err != nil {
		return nil, err
	}
	found := []string{}
	if server != nil || serverByID != nil {
		found = append(found, "server")
	}
	if firewall != nil {
		found = append(found, "firewall")
	}
	for _, ip := range s.primaryIPs {
		read, _, err := s.client.PrimaryIP.GetByID(ctx, ip.ID)
		if err != nil {
			return nil, err
		}
		if read != nil {
			found = append(found, ip.Name)
		}
	}
	for _, key := range s.sshKeys {
		read, _, err := s.client.SSHKey.GetByID(ctx, key.ID)
		if err != nil {
			return nil, err
		}
		if read != nil {
			found = append(found, key.Name)
		}
	}
	for _, rrset := range s.rrsets {
		read, err := s.readRRSet(ctx, rrset.ID)
		if err != nil {
			return nil, err
		}
		if read != nil {
			found = append(found, rrset.ID)
		}
	}

	_, _, serverErr := s.client.Server.DeleteWithResult(ctx, &hcloud.Server{ID: s.server.ID})
	_, firewallErr := s.client.Firewall.Delete(ctx, s.firewall)
	_, keyErr := s.client.SSHKey.Delete(ctx, s.sshKeys[0])
	_, ipErr := s.client.PrimaryIP.Delete(ctx, s.primaryIPs[0])
	_, _, rrsetErr := s.client.Zone.DeleteRRSet(ctx, s.inState(s.rrsets[0]))
	notFound := func(err error) bool { return hcloud.IsError(err, hcloud.ErrorCodeNotFound) }
	return outcome{
		"found": found,
		"deleteAgainNotFound": outcome{
			"server":    notFound(serverErr),
			"firewall":  notFound(firewallErr),
			"sshKey":    notFound(keyErr),
			"primaryIP": notFound(ipErr),
			"rrset":     notFound(rrsetErr),
		},
		"serverDeleteAgain": refusal(serverErr),
	}, nil
}
