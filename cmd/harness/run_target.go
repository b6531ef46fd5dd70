package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/pns-harness/pns-harness/conformance"
	"github.com/pns-harness/pns-harness/loadtest"
	"github.com/pns-harness/pns-harness/pipeline"
	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/profile"
	"github.com/pns-harness/pns-harness/receiver"
	"github.com/pns-harness/pns-harness/reports"
	"github.com/pns-harness/pns-harness/schemas"
)

// usageError is a refusal before the first request (bad profile, closed remote gate, a plan
// the numbers cannot carry, a dead target): `harness run` exits 2 with its one line.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// targetOptions are the flags of `harness run` that only apply with --target.
type targetOptions struct {
	target      string
	profilePath string
	receive     string
	allowRemote bool
	maxRate     float64
	hold        time.Duration
	tls         *tlsFlags
}

// targetPlan is the plan of `harness run --target URL --profile FILE`: the whole job against
// a platform that is not the embedded emulator. Conformance runs with the profile (scenarios
// that need emulator control are skipped and counted), then a bind-unbind load per mode the
// profile lists, behind the remote gate and the capacity check, and an optional callback
// receiver records what the platform pushes during the whole run. It checks everything it
// can before the first request (a refusal is a usageError) and returns the secrets to scrub
// and the function that stops the receiver (also on error).
func targetPlan(ctx context.Context, o runOptions, stdout io.Writer) (p pipeline.Plan, secrets []string, stop func(), err error) {
	t := o.remote
	stop = func() {}
	start := time.Now()
	if t.profilePath == "" {
		return p, nil, stop, usageError{errors.New("--target needs --profile FILE (apps, secrets, X numbers of that platform)")}
	}
	prof, err := conformance.LoadProfile(t.profilePath)
	if err != nil {
		return p, nil, stop, usageError{err}
	}
	secrets = prof.Secrets()
	lp, err := planTargetLoad(o, prof, stdout)
	if err != nil {
		return p, nil, stop, err
	}
	hc, tlsConf, err := t.tls.client(30 * time.Second)
	if err != nil {
		return p, nil, stop, usageError{err}
	}
	if err := preflight(ctx, hc, t.target); err != nil {
		if errors.As(err, new(unreachableError)) {
			return p, nil, stop, err // could not check, not a usage error
		}
		return p, nil, stop, usageError{err}
	}
	lprof, err := loadtest.LoadProfile(t.profilePath)
	if err != nil {
		return p, nil, stop, usageError{err}
	}
	if err := takeOverRunDir(ctx, o.out, o.cleanupFirst, loadtest.CleanupConfig{Gate: lp.gate, TLSConfig: tlsConf, Profile: lprof}, stdout); err != nil {
		return p, nil, stop, err
	}

	// The receiver, when asked for, runs for the whole job.
	var rcv *receiver.Receiver
	replies := &conformance.BlockReplies{} // the scenarios' answers to Block requests
	if t.receive != "" {
		if rcv, err = targetReceiver(o, prof, replies, stdout); err != nil {
			return p, nil, stop, err
		}
		stop = func() { rcv.Close() }
	}
	fmt.Fprintf(stdout, "target: %s  profile: %s  seed: %d\n", t.target, t.profilePath, o.seed)

	p = pipeline.Plan{
		Out: o.out,
		Manifest: runManifest(t.target, filepath.Base(t.profilePath), start, o.seed, []reports.Setting{
			{Key: "TLS", Value: t.tls.manifestValue()},
			{Key: "load duration", Value: lp.dur.String()},
			{Key: "bind rate", Value: ratesString(lp.modes, lp.rates)},
			{Key: "hold", Value: lp.hold.String()},
			{Key: "load modes", Value: fmt.Sprint(lp.modes)},
			{Key: "remote gate", Value: fmt.Sprintf("allowRemote=%v maxRate=%g/s", lp.gate.AllowRemote, lp.gate.MaxRate)},
			{Key: "tags", Value: o.tags},
		}),
		Conformance: conformance.Options{
			Target: t.target, Profile: prof, ProfileFile: t.profilePath, Tags: o.tags,
			Randomize: o.seed, HTTPClient: hc, KnownDifferences: o.known,
		},
		Strict:             o.strict,
		Remote:             true,
		CallbackThresholds: o.cbThresholds,
	}
	if rcv != nil {
		// The delivery scenarios subscribe to the receiver's pushes.
		p.Conformance.Pushes, p.Conformance.Replies = rcv, replies
		p.Receiver = rcv
		// Calls still in progress get the settle time to complete before the judgement;
		// not the embedded emulator: no emulator-side loss to show.
		p.Settle = func(ctx context.Context) (*reports.EmulatorLoss, error) {
			waitSettled(ctx, rcv)
			return nil, nil
		}
	}
	if !o.noLoad {
		ths, err := loadtest.ParseThresholds(orDefault(o.thresholds, defaultRunBindThresholds))
		if err != nil {
			return p, secrets, stop, usageError{err}
		}
		for _, m := range lp.modes {
			name := fmt.Sprintf("%s-bind-unbind", lowerMode(m))
			p.Loads = append(p.Loads, pipeline.Load{
				Name: name, Title: fmt.Sprintf("%g/s for %s, hold %s", lp.rates[m], lp.dur, lp.hold), Given: len(o.thresholds) > 0,
				Config: loadtest.Config{
					Target: t.target, Profile: prof, Scenario: loadtest.ScenarioBindUnbind, Mode: m,
					Rate: lp.rates[m], Duration: lp.dur, Hold: lp.hold, Thresholds: ths, Gate: lp.gate, TLSConfig: tlsConf,
				},
			})
		}
	}
	return p, secrets, stop, nil
}

// targetReceiver starts the receiver of --receive for the profile's apps; Block requests are
// answered as the conformance scenarios set (replies).
func targetReceiver(o runOptions, prof *profile.Profile, replies *conformance.BlockReplies, stdout io.Writer) (*receiver.Receiver, error) {
	apps := map[string]string{}
	for _, name := range sortedApps(prof) {
		a := prof.Apps[name]
		if s, err := a.Secret(); err == nil {
			apps[a.AppKey] = s
		}
	}
	v, err := schemas.New()
	if err != nil {
		return nil, err
	}
	ropts := receiver.Options{Apps: apps, Validate: v.ValidateCallback, BlockReply: replies.Reply}
	o.callbacks.apply(&ropts)
	rcv := receiver.New(ropts)
	url, err := rcv.Start(o.remote.receive)
	if err != nil {
		return nil, usageError{fmt.Errorf("--receive: %w", err)}
	}
	fmt.Fprintf(stdout, "callback receiver: %s (configure it as the apps' notification URLs)\n", url)
	return rcv, nil
}

// orDefault is given, or def when nothing was given.
func orDefault(given, def []string) []string {
	if len(given) == 0 {
		return def
	}
	return given
}

func lowerMode(m pns.Mode) string {
	b := []byte(m)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func sortedApps(p *profile.Profile) []string {
	var names []string
	for _, m := range pns.Modes {
		if n, _ := p.AppFor(m); n != "" {
			names = append(names, n)
		}
	}
	return names
}

// checkRunThresholds refuses, before the run, a load threshold the bind-unbind scenario
// cannot measure (query.p99 on a load that only binds and unbinds), as `harness load` does,
// rather than failing the load after the conformance suite. The embedded run loads AXB only;
// with --target the modes come from the profile (read later), so there the scope is checked
// against every load metric (ParseThreshold) and each mode's load checks its own.
func checkRunThresholds(exprs []string, embedded bool) error {
	ths, err := loadtest.ParseThresholds(exprs)
	if err != nil || !embedded {
		return err
	}
	wl, err := loadtest.BuiltinWorkload(loadtest.ScenarioBindUnbind, pns.ModeAXB, defaultRunHold, defaultRunRate)
	if err != nil {
		return err
	}
	return loadtest.CheckThresholds(ths, wl)
}
