package main

import (
	"fmt"
	"io"
	"net"
	"time"

	"github.com/pns-harness/pns-harness/embedded"
	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/loadtest"
	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/profile"
	"github.com/pns-harness/pns-harness/receiver"
	"github.com/pns-harness/pns-harness/schemas"
)

// The platform side of `harness load`: its default profile, the embedded emulator, the
// receiver of the calls scenario and the capacity check. A given target's side (adopting an
// emulator's pool, waiting for it) is in load_target.go.

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

// listenReceiver opens the callback receiver's listener on a loopback address.
func listenReceiver(addr string) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("--receiver-listen %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("--receiver-listen %q: want a loopback address", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("callback receiver: %w", err)
	}
	return ln, nil
}

// loadStartReceiver starts the callback receiver of the calls scenario on ln and feeds
// cfg.Callbacks from it. Signatures are verified with the profile's app secrets.
func loadStartReceiver(cfg *loadtest.Config, ln net.Listener, cf *callbackFlags, stderr io.Writer) (*receiver.Receiver, error) {
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
			opts.Schemas = v
		}
	}
	cf.apply(&opts)
	rcv := receiver.New(opts)
	rcv.Subscribe(tr.Record)
	// Each call's expected notifications (the emulator's answer lists them) are registered
	// with the receiver, so that its report counts expected, received and missing.
	tr.SetReceiver(rcv)
	bound, err := rcv.StartOn(ln)
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

// unreachableAfter maps the --unreachable-after flag to loadtest.Config.UnreachableAfter,
// whose zero means the default: the flag's 0 means never.
func unreachableAfter(d time.Duration) time.Duration {
	if d == 0 {
		return -1
	}
	return d
}
