package main

import (
	"context"

	"github.com/hetznercloud/hcloud-go/v2/hcloud"
)

// createRRSets does what hcloud_zone_rrset's create does for the server's A and AAAA records (the A record
// change-protected): create in the zone named in the configuration, set the protection, settle both actions,
// read back by ID.
func createRRSets(ctx context.Context, s *scenario) (outcome, error) {
	zone, _, err := s.client.Zone.Get(ctx, s.in.Zone)
	if err != nil {
		return nil, err
	}
	records := []struct {
		rrType    hcloud.ZoneRRSetType
		value     string
		comment   string
		protected bool
	}{
		{hcloud.ZoneRRSetTypeA, s.primaryIPs[0].IP.String(), "failmap main", true},
		{hcloud.ZoneRRSetTypeAAAA, s.primaryIPs[1].Network.IP.String() + "1", "", false},
	}
	rrsets := []outcome{}
	for _, record := range records {
		result, _, err := s.client.Zone.CreateRRSet(ctx, &hcloud.Zone{Name: s.in.Zone}, hcloud.ZoneRRSetCreateOpts{
			Name:    hostLabel(s.in.ServerName, s.in.Zone),
			Type:    record.rrType,
			TTL:     hcloud.Ptr(300),
			Records: []hcloud.ZoneRRSetRecord{{Value: record.value, Comment: record.comment}},
		})
		if err != nil {
			return nil, err
		}
		protection, _, err := s.client.Zone.ChangeRRSetProtection(ctx, result.RRSet, hcloud.ZoneRRSetChangeProtectionOpts{
			Change: hcloud.Ptr(record.protected),
		})
		if err != nil {
			return nil, err
		}
		if err := settle(ctx, s.client, result.Action, protection); err != nil {
			return nil, err
		}
		rrset, err := s.readRRSet(ctx, result.RRSet.ID)
		if err != nil {
			return nil, err
		}
		s.rrsets = append(s.rrsets, rrset)
		rrsets = append(rrsets, describeRRSet(rrset))
	}
	return outcome{"zone": zoneName(zone), "rrsets": rrsets}, nil
}

// changeRRSetRecords is a changed record value: set_records, refused on the change-protected A record.
func changeRRSetRecords(ctx context.Context, s *scenario) (outcome, error) {
	answers := []any{}
	for _, rrset := range s.rrsets {
		action, _, err := s.client.Zone.SetRRSetRecords(ctx, s.inState(rrset), hcloud.ZoneRRSetSetRecordsOpts{
			Records: []hcloud.ZoneRRSetRecord{{Value: rrset.Records[0].Value, Comment: "changed"}},
		})
		if err == nil {
			err = settle(ctx, s.client, action)
		}
		answers = append(answers, refusal(err))
	}
	rrsets := []outcome{}
	for _, rrset := range s.rrsets {
		read, err := s.readRRSet(ctx, rrset.ID)
		if err != nil {
			return nil, err
		}
		rrsets = append(rrsets, describeRRSet(read))
	}
	return outcome{"answers": answers, "rrsets": rrsets}, nil
}

// readRRSet is hcloud_zone_rrset's read: the zone by its name in the configuration, the RRSet by ID.
func (s *scenario) readRRSet(ctx context.Context, id string) (*hcloud.ZoneRRSet, error) {
	rrset, _, err := s.client.Zone.GetRRSetByID(ctx, &hcloud.Zone{Name: s.in.Zone}, id)
	return rrset, err
}

// inState is an RRSet as the provider's update and delete name it: the zone's name and the RRSet's ID.
func (s *scenario) inState(rrset *hcloud.ZoneRRSet) *hcloud.ZoneRRSet {
	return &hcloud.ZoneRRSet{Zone: &hcloud.Zone{Name: s.in.Zone}, ID: rrset.ID}
}

func describeRRSet(rrset *hcloud.ZoneRRSet) outcome {
	records := make([]outcome, len(rrset.Records))
	for i, r := range rrset.Records {
		records[i] = outcome{"value": r.Value, "comment": r.Comment}
	}
	return outcome{
		"id":               rrset.ID,
		"name":             rrset.Name,
		"type":             string(rrset.Type),
		"ttl":              rrset.TTL,
		"records":          records,
		"changeProtection": rrset.Protection.Change,
	}
}

func zoneName(zone *hcloud.Zone) any {
	if zone == nil {
		return nil
	}
	return zone.Name
}

// hostLabel is the server's name relative to its zone: faalserver.example.org in example.org is faalserver.
func hostLabel(fqdn, zone string) string {
	return fqdn[:len(fqdn)-len(zone)-1]
}
