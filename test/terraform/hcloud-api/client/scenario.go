package main

import "github.com/hetznercloud/hcloud-go/v2/hcloud"

// What the stacks ask Hetzner for: a location, a server type sold there, a bigger one to grow into with the disk
// kept, and one that is no longer sold.
const (
	location          = "nbg1"
	serverType        = "cx23"
	biggerServerType  = "cx33"
	retiredServerType = "cx32"
	image             = "debian-12"
)

// scenario is one organisation's stack, built up and torn down step by step; each step uses what the ones
// before it made, as Terraform passes one resource's attributes to the next.
type scenario struct {
	client     *hcloud.Client
	in         inputs
	sshKeys    []*hcloud.SSHKey
	firewall   *hcloud.Firewall
	primaryIPs []*hcloud.PrimaryIP // ipv4, then ipv6
	server     *hcloud.Server
	rrsets     []*hcloud.ZoneRRSet // A, then AAAA
}

func (s *scenario) steps() []step {
	return []step{
		{"catalogue", lookUpCatalogue},
		{"create ssh keys", createSSHKeys},
		{"upload a public key twice", uploadKeyTwice},
		{"create firewall", createFirewall},
		{"create primary ips", createPrimaryIPs},
		{"create server", createServer},
		{"primary ips assigned", readPrimaryIPAssignees},
		{"create dns records", createRRSets},
		{"list by label", listByLabel},
		{"change firewall rules", changeFirewallRules},
		{"change dns records", changeRRSetRecords},
		{"change server type keeping the disk", changeServerType},
		{"protected deletes refused", deleteProtected},
		{"firewall in use refused", deleteFirewallInUse},
		{"lift protection", liftProtection},
		{"destroy", destroy},
		{"gone after destroy", readAfterDestroy},
	}
}

func (s *scenario) labels(extra map[string]string) map[string]string {
	labels := map[string]string{"organisation": s.in.Organisation}
	for k, v := range extra {
		labels[k] = v
	}
	return labels
}
