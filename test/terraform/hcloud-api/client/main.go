// Command client drives the local Hetzner Cloud API with hcloud-go, the client library inside the hcloud
// Terraform provider, making the calls the provider makes for the resources the stacks use. It reads the
// scenario's inputs as JSON on stdin and prints one JSON line per step with what the API answered; the
// jest test next to it (../client.test.ts) holds the expectations. It stops at the first unexpected error.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/hetznercloud/hcloud-go/v2/hcloud"
)

// inputs is what the test chooses: the names and contents that it later expects to read back.
type inputs struct {
	Organisation string        `json:"organisation"`
	Zone         string        `json:"zone"`
	ServerName   string        `json:"serverName"`
	UserData     string        `json:"userData"`
	SSHKeys      []sshKeyInput `json:"sshKeys"`
	// Uploaded after SSHKeys with the public key of the first of them: Hetzner refuses it.
	DuplicateKeyName string `json:"duplicateKeyName"`
}

type sshKeyInput struct {
	Name      string `json:"name"`
	PublicKey string `json:"publicKey"`
}

// step is one part of the scenario; its outcome is printed as it is, an error ends the run.
type step struct {
	name string
	run  func(ctx context.Context, s *scenario) (outcome, error)
}

type outcome map[string]any

func main() {
	var in inputs
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		fail("reading the scenario from stdin: %v", err)
	}
	endpoint, token := os.Getenv("HCLOUD_ENDPOINT"), os.Getenv("HCLOUD_TOKEN")
	if endpoint == "" || token == "" {
		fail("HCLOUD_ENDPOINT and HCLOUD_TOKEN must be set")
	}
	// As the provider configures it with `endpoint` and `poll_interval = "50ms"` (exponential polling).
	client := hcloud.NewClient(
		hcloud.WithToken(token),
		hcloud.WithApplication("hcloud-terraform", "1.64.0"),
		hcloud.WithEndpoint(endpoint),
		hcloud.WithPollOpts(hcloud.PollOpts{BackoffFunc: hcloud.ExponentialBackoff(2, 50*time.Millisecond)}),
	)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	s := &scenario{client: client, in: in}
	out := json.NewEncoder(os.Stdout)
	for _, st := range s.steps() {
		result, err := run(ctx, st, s)
		if err != nil {
			_ = out.Encode(outcome{"step": st.name, "unexpected": describe(err)})
			os.Exit(1)
		}
		result["step"] = st.name
		if err := out.Encode(result); err != nil {
			fail("writing the outcome of %s: %v", st.name, err)
		}
	}
}

// run runs one step; a panic (a nil object where the API should have answered one) is an error of that step.
func run(ctx context.Context, st step, s *scenario) (result outcome, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return st.run(ctx, s)
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(2)
}
