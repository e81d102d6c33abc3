package main

import (
	"context"
	"fmt"
	"strconv"

	"github.com/hetznercloud/hcloud-go/v2/hcloud"
)

// createServer does what hcloud_server's create does: look up the keys, type and image, create the server on
// the stack's primary IPs with its firewall, wait for the create action and the next ones, turn backups and
// protection on, then read it back.
func createServer(ctx context.Context, s *scenario) (outcome, error) {
	var keys []*hcloud.SSHKey
	for _, created := range s.sshKeys {
		key, _, err := s.client.SSHKey.Get(ctx, strconv.FormatInt(created.ID, 10))
		if err != nil {
			return nil, err
		}
		if key == nil {
			return nil, fmt.Errorf("SSH key not found: %d", created.ID)
		}
		keys = append(keys, key)
	}
	st, _, err := s.client.ServerType.Get(ctx, serverType)
	if err != nil {
		return nil, err
	}
	img, _, err := s.client.Image.GetForArchitecture(ctx, image, st.Architecture)
	if err != nil {
		return nil, err
	}
	result, _, err := s.client.Server.Create(ctx, hcloud.ServerCreateOpts{
		Name:       s.in.ServerName,
		ServerType: &hcloud.ServerType{Name: serverType},
		Image:      img,
		UserData:   s.in.UserData,
		Location:   &hcloud.Location{Name: location},
		SSHKeys:    keys,
		Labels:     s.labels(map[string]string{"role": "main"}),
		Firewalls:  []*hcloud.ServerCreateFirewall{{Firewall: hcloud.Firewall{ID: s.firewall.ID}}},
		PublicNet: &hcloud.ServerCreatePublicNet{
			EnableIPv4: true,
			EnableIPv6: true,
			IPv4:       &hcloud.PrimaryIP{ID: s.primaryIPs[0].ID},
			IPv6:       &hcloud.PrimaryIP{ID: s.primaryIPs[1].ID},
		},
	})
	if err != nil {
		return nil, err
	}
	s.server = result.Server
	// Whether the client had to poll: the create action runs while the machine boots.
	createAction := string(result.Action.Status)
	if err := s.client.Action.WaitFor(ctx, result.Action); err != nil {
		return nil, err
	}
	for _, next := range result.NextActions {
		if err := s.client.Action.WaitFor(ctx, next); err != nil {
			return nil, err
		}
	}
	backup, _, err := s.client.Server.EnableBackup(ctx, result.Server, "")
	if err != nil {
		return nil, err
	}
	if err := s.client.Action.WaitFor(ctx, backup); err != nil {
		return nil, err
	}
	if err := s.changeServerProtection(ctx, true); err != nil {
		return nil, err
	}
	read, err := s.readServer(ctx)
	if err != nil {
		return nil, err
	}
	read["createAction"] = createAction
	return read, nil
}

// changeServerType is a bigger server_type with keep_disk: power off, change_type without upgrading the disk.
func changeServerType(ctx context.Context, s *scenario) (outcome, error) {
	off, _, err := s.client.Server.Poweroff(ctx, s.server)
	if err != nil {
		return nil, err
	}
	if err := s.client.Action.WaitFor(ctx, off); err != nil {
		return nil, err
	}
	action, _, err := s.client.Server.ChangeType(ctx, s.server, hcloud.ServerChangeTypeOpts{
		ServerType:  &hcloud.ServerType{Name: biggerServerType},
		UpgradeDisk: false,
	})
	if err != nil {
		return nil, err
	}
	if err := s.client.Action.WaitFor(ctx, action); err != nil {
		return nil, err
	}
	server, _, err := s.client.Server.GetByID(ctx, s.server.ID)
	if err != nil {
		return nil, err
	}
	return outcome{"serverType": server.ServerType.Name, "primaryDiskSize": server.PrimaryDiskSize}, nil
}

func (s *scenario) changeServerProtection(ctx context.Context, on bool) error {
	action, _, err := s.client.Server.ChangeProtection(ctx, s.server, hcloud.ServerChangeProtectionOpts{
		Delete:  hcloud.Ptr(on),
		Rebuild: hcloud.Ptr(on),
	})
	if err != nil {
		return err
	}
	return s.client.Action.WaitFor(ctx, action)
}

// readServer is hcloud_server's read: by the ID in the state, as a string.
func (s *scenario) readServer(ctx context.Context) (outcome, error) {
	server, _, err := s.client.Server.Get(ctx, strconv.FormatInt(s.server.ID, 10))
	if err != nil {
		return nil, err
	}
	if server == nil {
		return nil, fmt.Errorf("server %d not found", s.server.ID)
	}
	s.server = server
	firewalls := []string{}
	for _, status := range server.PublicNet.Firewalls {
		if status.Firewall.ID == s.firewall.ID {
			firewalls = append(firewalls, fmt.Sprintf("%s %s", s.firewall.Name, status.Status))
		}
	}
	return outcome{
		"name":       server.Name,
		"status":     string(server.Status),
		"serverType": server.ServerType.Name,
		"location":   server.Location.Name,
		"image":      server.Image.Name,
		"labels":     server.Labels,
		// As the provider reports them: ipv6_address is the /64's first address.
		"ipv4":              server.PublicNet.IPv4.IP.String(),
		"ipv6":              server.PublicNet.IPv6.IP.String() + "1",
		"ipv6Network":       server.PublicNet.IPv6.Network.String(),
		"primaryIPs":        []string{s.primaryIPName(server.PublicNet.IPv4.ID), s.primaryIPName(server.PublicNet.IPv6.ID)},
		"firewalls":         firewalls,
		"backups":           server.BackupWindow != "",
		"deleteProtection":  server.Protection.Delete,
		"rebuildProtection": server.Protection.Rebuild,
		"primaryDiskSize":   server.PrimaryDiskSize,
	}, nil
}

// serverName names the scenario's server by its ID, and anything else by its ID alone.
func (s *scenario) serverName(id int64) string {
	if s.server != nil && s.server.ID == id {
		return s.server.Name
	}
	return fmt.Sprintf("server %d", id)
}

// primaryIPName names one of the scenario's primary IPs by its ID, and anything else by its ID alone.
func (s *scenario) primaryIPName(id int64) string {
	for _, ip := range s.primaryIPs {
		if ip.ID == id {
			return ip.Name
		}
	}
	return fmt.Sprintf("primary IP %d", id)
}
