package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/pns-harness/pns-harness/assemble"
	"github.com/pns-harness/pns-harness/conformance"
	"github.com/pns-harness/pns-harness/loadtest"
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

// runTargetAll is `harness run --target URL --profile FILE`: the whole job against a platform
// that is not the embedded emulator. Conformance runs with the profile (scenarios that need
// emulator control are skipped and counted), then a bind-unbind load per mode the profile
// lists, behind the remote gate and the capacity check, and an optional callback receiver
// records what the platform pushes during the whole run.
func runTargetAll(ctx context.Context, o runOptions, stdout io.Writer) (*runOutcome, error) {
	t := o.remote
	start := time.Now()
	if t.profilePath == "" {
		return nil, usageError{errors.New("--target needs --profile FILE (apps, secrets, X numbers of that platform)")}
	}
	prof, err := conformance.LoadProfile(t.profilePath)
	if err != nil {
		return nil, usageError{err}
	}
	secrets := prof.Secrets()
	rate := o.rate
	if !o.rateSet && prof.Load.Rate > 0 {
		rate = prof.Load.Rate
	}
	// A rate the user chose (--rate, load.rate) is run as given or refused; the default is
	// fitted to the platform's limits.
	explicit := o.rateSet || prof.Load.Rate > 0
	dur := o.loadDuration
	if !o.durationSet && prof.Load.Duration > 0 {
		dur = time.Duration(prof.Load.Duration)
	}
	hold := t.hold
	if hold == 0 {
		hold = defaultRunHold
		if prof.Load.Hold > 0 {
			hold = time.Duration(prof.Load.Hold)
		}
	}
	gate := loadtest.Gate{AllowRemote: t.allowRemote || prof.AllowRemote, MaxRate: t.maxRate}
	if gate.MaxRate == 0 {
		gate.MaxRate = prof.MaxRate
	}
	modes := prof.Load.Modes
	if len(modes) == 0 {
		modes = prof.Modes()
	}
	rates := map[pns.Mode]float64{}
	peak := rate
	if !o.noLoad {
		var err error
		if rates, err = planLoad(stdout, prof, modes, rate, dur, hold, explicit, gate.MaxRate); err != nil {
			return nil, usageError{err}
		}
		peak = 0
		for _, r := range rates {
			peak = max(peak, r)
		}
	}
	// The ceiling counts requests: bind-unbind sends two per session (bind, unbind).
	reqPeak := loadtest.Peak{}
	if peak > 0 && len(modes) > 0 {
		p, err := loadtest.PeakRequests(loadtest.Config{Scenario: loadtest.ScenarioBindUnbind, Mode: modes[0], Rate: peak, Duration: dur, Hold: hold})
		if err != nil {
			return nil, usageError{err}
		}
		reqPeak = p
	}
	if err := loadtest.CheckTarget(t.target, gate, reqPeak); err != nil {
		return nil, usageError{err}
	}
	hc, tlsConf, err := t.tls.client(30 * time.Second)
	if err != nil {
		return nil, usageError{err}
	}
	if err := preflight(ctx, hc, t.target); err != nil {
		if errors.As(err, new(unreachableError)) {
			return nil, err // could not check, not a usage error
		}
		return nil, usageError{err}
	}
	lprof, err := loadtest.LoadProfile(t.profilePath)
	if err != nil {
		return nil, usageError{err}
	}
	if err := takeOverRunDir(ctx, o.out, o.cleanupFirst, loadtest.CleanupConfig{Gate: gate, TLSConfig: tlsConf, Profile: lprof}, stdout); err != nil {
		return nil, err
	}
	for _, sub := range []string{assemble.ConformanceDir, assemble.LoadDir} {
		if err := os.RemoveAll(filepath.Join(o.out, sub)); err != nil {
			return nil, err
		}
	}

	// The receiver, when asked for, runs for the whole job.
	var rcv *receiver.Receiver
	pushes := conformance.NewPushHub()
	replies := &conformance.BlockReplies{} // the scenarios' answers to Block requests
	tracker := loadtest.NewCallbackTracker()
	if t.receive != "" {
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
		ropts := receiver.Options{Apps: apps, Validate: v.ValidateCallback, OnPush: func(a receiver.Arrival) {
			tracker.Record(a)
			pushes.Record(a)
		}, BlockReply: replies.Reply}
		o.callbacks.apply(&ropts)
		rcv = receiver.New(ropts)
		url, err := rcv.Start(t.receive)
		if err != nil {
			return nil, usageError{fmt.Errorf("--receive: %w", err)}
		}
		defer rcv.Close()
		fmt.Fprintf(stdout, "callback receiver: %s (configure it as the apps' notification URLs)\n", url)
	}
	fmt.Fprintf(stdout, "target: %s  profile: %s  seed: %d\n", t.target, t.profilePath, o.seed)

	s := &reports.Summary{Manifest: runManifest(t.target, filepath.Base(t.profilePath), start, o.seed,
		[]reports.Setting{
			{Key: "TLS", Value: t.tls.manifestValue()},
			{Key: "load duration", Value: dur.String()},
			{Key: "bind rate", Value: ratesString(modes, rates)},
			{Key: "hold", Value: hold.String()},
			{Key: "load modes", Value: fmt.Sprint(modes)},
			{Key: "remote gate", Value: fmt.Sprintf("allowRemote=%v maxRate=%g/s", gate.AllowRemote, gate.MaxRate)},
			{Key: "tags", Value: o.tags},
		})}

	// 1. Conformance.
	fmt.Fprintln(stdout, "== conformance")
	cdir := filepath.Join(o.out, assemble.ConformanceDir)
	copts := conformance.Options{
		Target: t.target, Profile: prof, ProfileFile: t.profilePath, Tags: o.tags, OutDir: cdir, Output: stdout,
		Randomize: o.seed, HTTPClient: hc, KnownDifferences: o.known,
	}
	if rcv != nil {
		copts.Pushes, copts.Replies = pushes, replies
	}
	cres, err := conformance.Run(ctx, copts)
	recordConformance(stdout, s, cdir, cres, err, o.strict)
	streamScenarios(o.stream, s.Conformance)
	// A platform that refused our credentials would refuse the load's too, and every further
	// refusal brings the client IP closer to a lockout: the run stops here.
	var notChecked []string
	refused := err == nil && cres.CredentialsRefused != nil
	if refused {
		notChecked = append(notChecked, "conformance: "+cres.CredentialsRefused.Error())
	}
	if err == nil {
		for _, w := range cres.Warnings {
			fmt.Fprintf(stdout, "warning: %s\n", w)
			if cres.LockedOut {
				s.Errors = append(s.Errors, w)
			}
		}
	}

	// 2. Load: bind-unbind per mode.
	if !o.noLoad && ctx.Err() == nil && !refused {
		bindThs := o.thresholds
		if len(bindThs) == 0 {
			bindThs = defaultRunBindThresholds
		}
		ths, err := loadtest.ParseThresholds(bindThs)
		if err != nil {
			return nil, usageError{err}
		}
		for _, m := range modes {
			if ctx.Err() != nil {
				break
			}
			name := fmt.Sprintf("%s-bind-unbind", lowerMode(m))
			fmt.Fprintf(stdout, "== load %s: %g/s for %s, hold %s\n", name, rates[m], dur, hold)
			res, err := loadtest.Run(ctx, loadtest.Config{
				Target: t.target, Profile: prof, Scenario: loadtest.ScenarioBindUnbind, Mode: m,
				Rate: rates[m], Duration: dur, Hold: hold, Thresholds: ths, Gate: gate, TLSConfig: tlsConf,
				OutDir: filepath.Join(o.out, assemble.LoadDir, name), Name: name,
				Progress: func(p loadtest.Progress) { fmt.Fprintln(stdout, "  "+progressLine(p)) },
				OnSecond: streamSecond(o.stream, name),
			})
			streamLoad(o.stream, name, res)
			if err != nil {
				if v := targetVerdict(err); v.couldNotCheck != "" {
					notChecked = append(notChecked, "load "+name+": "+v.couldNotCheck)
					break // the next mode would only add refusals
				}
				s.Errors = append(s.Errors, "load "+name+": "+err.Error())
				continue
			}
			if s.Load == nil {
				s.Load = &reports.Load{}
			}
			ls := assemble.LoadScenario(res, name)
			s.Load.Scenarios = append(s.Load.Scenarios, ls)
			s.Thresholds = append(s.Thresholds, assemble.Thresholds(res, name, len(o.thresholds) > 0)...)
			s.Errors = append(s.Errors, assemble.LoadErrors(res, name)...)
			// The headline the report shows: rates of the plan's arrivals, requests of every
			// interface (SentHits counts only the arrivals).
			fmt.Fprintf(stdout, "  %s; bindings: %d bound, %d unbound, %d removed by cleanup, %d leaked\n",
				ls.Headline(), res.Cleanup.Bound, res.Cleanup.Unbound, res.Cleanup.Retried, res.Cleanup.Leaked)
			if res.CouldNotCheck != "" {
				notChecked = append(notChecked, "load "+name+": "+res.CouldNotCheck)
				break
			}
		}
	}

	// 3. Callbacks the platform pushed meanwhile.
	if rcv != nil {
		// Calls still in progress get the settle time to complete before the judgement.
		waitSettled(ctx, rcv)
		rep := rcv.Final()
		if err := writeJSONFile(filepath.Join(o.out, assemble.ReceiverFile), rep); err != nil {
			return nil, err
		}
		s.Callbacks = assemble.Callbacks(rep, nil) // not the embedded emulator: no emulator-side loss to show
		ths, err := callbackThresholds(s.Callbacks, &rep, o.cbThresholds)
		if err != nil {
			return nil, err
		}
		s.Thresholds = append(s.Thresholds, ths...)
	}
	s.Manifest.End = time.Now()
	return &runOutcome{s: s, secrets: secrets, notChecked: notChecked, refused: refused}, nil
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
	for _, m := range []pns.Mode{pns.ModeAXB, pns.ModeAX, pns.ModeAXE} {
		if n, _ := p.AppFor(m); n != "" {
			names = append(names, n)
		}
	}
	return names
}
