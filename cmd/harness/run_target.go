package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
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
	c, err := targetCheck(ctx, o, stdout)
	if err != nil {
		return p, nil, stop, err
	}
	secrets = c.prof.Secrets()
	lp := c.lp

	// The receiver, when asked for, runs for the whole job.
	var rcv *receiver.Receiver
	replies := &conformance.BlockReplies{} // the scenarios' answers to Block requests
	if t.receive != "" {
		if rcv, err = targetReceiver(o, c.prof, replies, stdout); err != nil {
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
			Target: t.target, Profile: c.prof, ProfileFile: t.profilePath, Tags: o.tags,
			Randomize: o.seed, HTTPClient: c.hc, KnownDifferences: o.known,
		},
		Strict:             o.strict,
		Remote:             true,
		CallbackThresholds: o.thresholds.Callback,
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
		if p.Loads, err = targetLoads(o, c.prof, lp, c.tlsConf); err != nil {
			return p, secrets, stop, err
		}
	}
	return p, secrets, stop, nil
}

// targetChecked is what targetCheck found before the first request: the profile, the load
// plan and the HTTP client of the target.
type targetChecked struct {
	prof    *profile.Profile
	lp      targetLoadPlan
	hc      *http.Client
	tlsConf *tls.Config
}

// targetCheck reads the profile, fits the load plan, runs the preflight and takes over the
// run directory, so that a refusal (a usageError) comes before the first request.
func targetCheck(ctx context.Context, o runOptions, stdout io.Writer) (c targetChecked, err error) {
	t := o.remote
	if t.profilePath == "" {
		return c, usageError{errors.New("--target needs --profile FILE (apps, secrets, X numbers of that platform)")}
	}
	if c.prof, err = conformance.LoadProfile(t.profilePath); err != nil {
		return c, usageError{err}
	}
	if c.lp, err = planTargetLoad(o, c.prof, stdout); err != nil {
		return c, err
	}
	if c.hc, c.tlsConf, err = t.tls.client(30 * time.Second); err != nil {
		return c, usageError{err}
	}
	if err := preflight(ctx, c.hc, t.target); err != nil {
		if errors.As(err, new(unreachableError)) {
			return c, err // could not check, not a usage error
		}
		return c, usageError{err}
	}
	lprof, err := loadtest.LoadProfile(t.profilePath)
	if err != nil {
		return c, usageError{err}
	}
	if err := takeOverRunDir(ctx, o.out, o.cleanupFirst, loadtest.CleanupConfig{Gate: c.lp.gate, TLSConfig: c.tlsConf, Profile: lprof}, stdout); err != nil {
		return c, err
	}
	return c, nil
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
	ropts := receiver.Options{Apps: apps, Schemas: v, BlockReply: replies.Reply}
	o.callbacks.apply(&ropts)
	rcv := receiver.New(ropts)
	url, err := rcv.Start(o.remote.receive)
	if err != nil {
		return nil, usageError{fmt.Errorf("--receive: %w", err)}
	}
	fmt.Fprintf(stdout, "callback receiver: %s (configure it as the apps' notification URLs)\n", url)
	return rcv, nil
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
