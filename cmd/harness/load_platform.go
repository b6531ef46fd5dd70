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

	"github.com/pns-harness/pns-harness/embedded"
	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/loadtest"
	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/profile"
	"github.com/pns-harness/pns-harness/receiver"
	"github.com/pns-harness/pns-harness/schemas"
)

// The platform side of `harness load`: its default profile, the embedded emulator, waiting
// for a target, the receiver of the calls scenario and the capacity check.

// defaultLoadProfile is the load profile of the embedded emulator: its demo apps with every X
// number of its default pool, so that binds name their X explicitly.
func defaultLoadProfile() *loadtest.Profile {
	cfg, err := emulator.DefaultConfig()
	if err != nil {
		return loadtest.DefaultProfile() // auto selection still works
	}
	return profile.Demo(profile.DemoOptions{AreaMatchMode: "1", XNumbers: func(key string) []string {
		var xs []string
		for _, e := range cfg.Entries() {
			if e.App == key {
				xs = append(xs, e.Number)
			}
		}
		return xs
	}})
}

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

// loadStartReceiver starts the callback receiver of the calls scenario on a loopback address
// and feeds cfg.Callbacks from it. Signatures are verified with the profile's app secrets.
func loadStartReceiver(cfg *loadtest.Config, addr string, cf *callbackFlags, stderr io.Writer) (*receiver.Receiver, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("--receiver-listen %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("--receiver-listen %q: want a loopback address", addr)
	}
	apps := map[string]string{}
	for _, m := range pns.Modes {
		if a, secret, err := cfg.Profile.ModeApp(m); err == nil {
			apps[a.AppKey] = secret
		}
	}
	tr := loadtest.NewCallbackTracker()
	opts := receiver.Options{Apps: apps}
	if cfg.SchemaSample >= 0 {
		if v, err := schemas.New(); err == nil {
			opts.Validate = v.ValidateCallback
		}
	}
	cf.apply(&opts)
	rcv := receiver.New(opts)
	rcv.Subscribe(tr.Record)
	// Each call's expected notifications (the emulator's answer lists them) are registered
	// with the receiver, so that its report counts expected, received and missing.
	tr.SetReceiver(rcv)
	bound, err := rcv.Start(addr)
	if err != nil {
		return nil, fmt.Errorf("callback receiver: %w", err)
	}
	infof(stderr, "receiving callbacks on %s (the emulator app's callStatusUrl and feeUrl must point there)", bound)
	cfg.Callbacks = tr
	return rcv, nil
}

// loadCheckCapacity prints the highest rate × hold the profile's X numbers carry in the load's
// mode and refuses (exit 2) a bind-unbind plan that cannot fit, before the first request.
func loadCheckCapacity(prof *loadtest.Profile, m pns.Mode, peak float64, hold time.Duration, stderr io.Writer) int {
	_, a := prof.AppFor(m)
	if a == nil {
		return 0 // loadtest.Run names the missing app
	}
	c := profile.CapacityOf(m, a)
	infof(stderr, "capacity %s", c.String(hold))
	if err := c.Check(peak, hold); err != nil {
		fmt.Fprintf(stderr, "harness load: %v\n", err)
		return exitUsage
	}
	return 0
}

// loadStartEmbedded starts the embedded emulator (default configuration) on a free loopback
// port; for a load with calls (the calls scenario, a workload with a call step) its apps push
// to the receiver at receiverAddr.
func loadStartEmbedded(calls bool, receiverAddr string) (string, func(), error) {
	cfg, err := emulator.DefaultConfig()
	if err != nil {
		return "", nil, err
	}
	if calls {
		for i := range cfg.Apps {
			cfg.Apps[i].CallStatusURL = "http://" + receiverAddr + "/"
			cfg.Apps[i].FeeURL = "http://" + receiverAddr + "/"
		}
	}
	plat, err := embedded.Start(cfg, embedded.Options{Immediate: calls})
	if err != nil {
		return "", nil, err
	}
	return plat.URL, func() { _ = plat.Close() }, nil
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

// unreachableAfter maps the --unreachable-after flag to loadtest.Config.UnreachableAfter,
// whose zero means the default: the flag's 0 means never.
func unreachableAfter(d time.Duration) time.Duration {
	if d == 0 {
		return -1
	}
	return d
}
