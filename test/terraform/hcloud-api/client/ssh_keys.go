package main

import (
	"context"

	"github.com/hetznercloud/hcloud-go/v2/hcloud"
)

// createSSHKeys does what hcloud_ssh_key's create and read do: create, then read back by ID.
func createSSHKeys(ctx context.Context, s *scenario) (outcome, error) {
	keys := []outcome{}
	for _, input := range s.in.SSHKeys {
		created, _, err := s.client.SSHKey.Create(ctx, hcloud.SSHKeyCreateOpts{
			Name:      input.Name,
			PublicKey: input.PublicKey,
			Labels:    s.labels(nil),
		})
		if err != nil {
			return nil, err
		}
		key, _, err := s.client.SSHKey.GetByID(ctx, created.ID)
		if err != nil {
			return nil, err
		}
		s.sshKeys = append(s.sshKeys, key)
		keys = append(keys, outcome{
			"name":        key.Name,
			"fingerprint": key.Fingerprint,
			"publicKey":   key.PublicKey,
			"labels":      key.Labels,
		})
	}
	return outcome{"sshKeys": keys}, nil
}

// uploadKeyTwice is two hcloud_ssh_key resources with one public key: Hetzner refuses the second.
func uploadKeyTwice(ctx context.Context, s *scenario) (outcome, error) {
	_, _, err := s.client.SSHKey.Create(ctx, hcloud.SSHKeyCreateOpts{
		Name:      s.in.DuplicateKeyName,
		PublicKey: s.in.SSHKeys[0].PublicKey,
	})
	return outcome{"answer": refusal(err)}, nil
}
