package main

import "context"

// lookUpCatalogue reads what hcloud_server's create reads first: the server type (for its architecture), the
// image for that architecture, and the location.
func lookUpCatalogue(ctx context.Context, s *scenario) (outcome, error) {
	loc, _, err := s.client.Location.Get(ctx, location)
	if err != nil {
		return nil, err
	}
	sold, _, err := s.client.ServerType.Get(ctx, serverType)
	if err != nil {
		return nil, err
	}
	retired, _, err := s.client.ServerType.Get(ctx, retiredServerType)
	if err != nil {
		return nil, err
	}
	result := outcome{"location": nil, "serverType": nil, "image": nil, "retiredServerType": retired != nil}
	if loc != nil {
		result["location"] = outcome{"name": loc.Name, "networkZone": string(loc.NetworkZone)}
	}
	if sold != nil {
		locations := make([]string, len(sold.Locations))
		for i, l := range sold.Locations {
			locations[i] = l.Location.Name
		}
		result["serverType"] = outcome{
			"name":         sold.Name,
			"architecture": string(sold.Architecture),
			"cores":        sold.Cores,
			"disk":         sold.Disk,
			"locations":    locations,
		}
		img, _, err := s.client.Image.GetForArchitecture(ctx, image, sold.Architecture)
		if err != nil {
			return nil, err
		}
		if img != nil {
			result["image"] = outcome{"name": img.Name, "type": string(img.Type), "architecture": string(img.Architecture)}
		}
	}
	return result, nil
}
