package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/loadtest"
	"github.com/pns-harness/pns-harness/pns"
)

// The target side of `harness load`: adopting the pool of a target emulator and waiting
// for a target to accept connections.

// loadAdoptEmulatorPool asks the target's emulator admin API for its configuration and, for
// each demo app of prof that the emulator has, replaces the app's X numbers with the
// emulator's pool (the emulator may run a custom configuration). It reports whether it did;
// a target without the admin API leaves prof unchanged.
func loadAdoptEmulatorPool(ctx context.Context, hc *http.Client, target string, prof *loadtest.Profile) bool {
	if hc == nil {
		hc = http.DefaultClient
	}
	cctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(cctx, http.MethodGet, strings.TrimRight(target, "/")+emulator.AdminPrefix+"config", nil)
	if err != nil {
		return false
	}
	resp, err := hc.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return false
	}
	var cfg struct {
		Apps []struct {
			AppKey string   `json:"appKey"`
			Mode   pns.Mode `json:"mode"`
		} `json:"apps"`
		Pool []struct {
			Number string `json:"number"`
			App    string `json:"app"`
		} `json:"pool"`
		PoolRanges []struct {
			From  string `json:"from"`
			Count int    `json:"count"`
			App   string `json:"app"`
		} `json:"poolRanges"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 4<<20)).Decode(&cfg); err != nil {
		return false
	}
	changed := false
	for _, ea := range cfg.Apps {
		_, a := prof.AppFor(ea.Mode)
		if a == nil || a.AppKey != ea.AppKey {
			continue
		}
		var xs []string
		var ranges []loadtest.XRange
		for _, e := range cfg.Pool {
			if e.App == ea.AppKey {
				xs = append(xs, e.Number)
			}
		}
		for _, r := range cfg.PoolRanges {
			if r.App == ea.AppKey {
				ranges = append(ranges, loadtest.XRange{From: r.From, Count: r.Count})
			}
		}
		if len(xs)+len(ranges) > 0 {
			a.XNumbers, a.XRanges = xs, ranges
			changed = true
		}
	}
	return changed
}

// loadWaitForTarget polls the target's TCP port until it accepts a connection or d has passed.
func loadWaitForTarget(ctx context.Context, target string, d time.Duration) error {
	u, err := url.Parse(target)
	if err != nil {
		return err
	}
	addr := u.Host
	if u.Port() == "" {
		port := "80"
		if u.Scheme == "https" {
			port = "443"
		}
		addr = net.JoinHostPort(u.Hostname(), port)
	}
	deadline := time.Now().Add(d)
	for {
		var dl net.Dialer
		cctx, cancel := context.WithTimeout(ctx, time.Second)
		c, err := dl.DialContext(cctx, "tcp", addr)
		cancel()
		if err == nil {
			return c.Close()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("target %s not reachable after %s: %w", addr, d, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}
