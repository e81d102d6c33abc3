package main

import (
	"errors"
	"net"
	"slices"

	"github.com/hetznercloud/hcloud-go/v2/hcloud"
)

// describe is an error as the provider would show it: Hetzner's code and message when the API answered one.
func describe(err error) outcome {
	var apiErr hcloud.Error
	if errors.As(err, &apiErr) {
		return outcome{"code": string(apiErr.Code), "message": apiErr.Message}
	}
	var actionErr hcloud.ActionError
	if errors.As(err, &actionErr) {
		return outcome{"code": actionErr.Code, "message": actionErr.Message}
	}
	return outcome{"message": err.Error()}
}

// refusal is the answer to a call that Hetzner refuses: its error, or "accepted" when it went through.
func refusal(err error) any {
	if err == nil {
		return "accepted"
	}
	return describe(err)
}

func cidrs(nets []net.IPNet) []string {
	out := make([]string, len(nets))
	for i, n := range nets {
		out[i] = n.String()
	}
	return out
}

func mustCIDRs(texts ...string) []net.IPNet {
	out := make([]net.IPNet, len(texts))
	for i, text := range texts {
		_, n, err := net.ParseCIDR(text)
		if err != nil {
			panic(err)
		}
		out[i] = *n
	}
	return out
}

// sortedNames lists the names of what a list call returned, for comparison regardless of order.
func sortedNames[T any](items []T, name func(T) string) []string {
	out := make([]string, len(items))
	for i, item := range items {
		out[i] = name(item)
	}
	slices.Sort(out)
	return out
}
