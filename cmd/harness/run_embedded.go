package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/pns-harness/pns-harness/assemble"
	"github.com/pns-harness/pns-harness/conformance"
	"github.com/pns-harness/pns-harness/embedded"
	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/emulator/callbacks"
	"github.com/pns-harness/pns-harness/loadtest"
	"github.com/pns-harness/pns-harness/pipeline"
	"github.com/pns-harness/pns-harness/pipeline/rundir"
	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/profile"
	"github.com/pns-harness/pns-harness/reports"
)

// embeddedPlan starts what `harness run` without --target runs against — the embedded
// emulator in its conformance configuration, the receiver of every push and the retry app's
// failing receiver — and returns the run's plan, the secrets to scrub and the function that
// stops them (also on error).
func embeddedPlan(ctx context.Context, o runOptions, stdout io.Writer) (p pipeline.Plan, secrets []string, stop func(), err error) {
	var stops []func()
	stop = func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}
	defer func() {
		if err != nil {
			stop()
		}
	}()
	start := time.Now()
	// An earlier --target run's journals name no platform of ours: the demo apps are all
	// this run knows of (harness cleanup --profile takes the run's own).
	if err := takeOverRunDir(ctx, o.out, o.cleanupFirst, loadtest.CleanupConfig{Profile: defaultLoadProfile()}, stdout); err != nil {
		return p, nil, stop, err
	}
	cfg, err := conformance.ConformanceConfig()
	if err != nil {
		return p, nil, stop, err
	}
	rs, err := startEmbeddedReceivers(cfg, o)
	if err != nil {
		return p, nil, stop, err
	}
	stops = append(stops, rs.close)
	secrets, rcv, tracker, rurl := rs.secrets, rs.rcv, rs.tracker, rs.url
	// Pushes to a customer who never answers 200 (conformance.NeverAccepts) are given up by
	// design: the scenario checks that the platform stops after six re-pushes. They are not
	// the emulator's loss (callback.lost), so they are counted apart.
	var deliberateDrops atomic.Int64
	observe := func(a callbacks.Attempt) {
		if a.Dropped && conformance.NeverAccepts(a.AppKey) {
			deliberateDrops.Add(1)
		}
	}
	plat, err := embedded.Start(cfg, embedded.Options{Wrap: o.faults.wrap, ObserveCallbacks: observe})
	if err != nil {
		return p, nil, stop, err
	}
	stops = append(stops, func() { plat.Close() })
	fmt.Fprintf(stdout, "emulator: %s  callback receiver: %s  seed: %d\n", plat.URL, rurl, o.seed)

	p = pipeline.Plan{
		Out: o.out,
		Manifest: runManifest(plat.URL, "embedded emulator (conformance configuration)", start, o.seed, []reports.Setting{
			{Key: "load duration", Value: o.loadDuration.String()},
			{Key: "bind rate", Value: fmt.Sprintf("%g/s", o.rate)},
			{Key: "call rate", Value: fmt.Sprintf("%g/s", o.callRate)},
			{Key: "tags", Value: o.tags},
			{Key: "injected faults", Value: o.faults.String()},
		}),
		Conformance: conformance.Options{
			Target:    plat.URL,
			Profile:   conformance.EmulatorProfile(),
			Emulator:  true,
			Tags:      o.tags,
			Randomize: o.seed,
			Receivers: rs.own,

			KnownDifferences: o.known,
			EphemeralTarget:  true,
		},
		Strict:             o.strict,
		Receiver:           rcv,
		CallbackThresholds: o.thresholds.Callback,
		// The conformance run left the clock and the state as it was; the load starts from a
		// clean state so that it sees a fresh pool.
		BeforeLoad: embeddedBeforeLoad(plat),
		Settle:     embeddedSettle(plat, o.out, &deliberateDrops),
	}
	if !o.noLoad {
		p.Loads, err = embeddedLoads(o, plat.URL, tracker)
	}
	return p, secrets, stop, err
}

// embeddedBeforeLoad resets the emulator between the conformance suite and the loads: calls
// ended, state forgotten, clock at real speed; it returns the load profile of its pool.
func embeddedBeforeLoad(plat *embedded.Platform) func() *loadtest.Profile {
	return func() *loadtest.Profile {
		endCalls(plat) // before the reset forgets them
		plat.Emulator.Reset()
		plat.Emulator.Clock().SetScale(1)
		return runLoadProfile(plat.Emulator)
	}
}

// embeddedSettle lets the dispatcher finish, then writes its statistics to out and returns
// the emulator-side loss, less the pushes given up by design (deliberateDrops).
func embeddedSettle(plat *embedded.Platform, out string, deliberateDrops *atomic.Int64) func(ctx context.Context) (*reports.EmulatorLoss, error) {
	return func(ctx context.Context) (*reports.EmulatorLoss, error) {
		endCalls(plat)
		plat.Emulator.Clock().Advance(5 * time.Second) // close the fee batch window
		dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		_ = plat.Dispatcher.Drain(dctx)
		cancel()
		ds := plat.Dispatcher.Stats()
		if err := rundir.WriteJSON(filepath.Join(out, assemble.DispatcherFile), ds); err != nil {
			return nil, err
		}
		loss := assemble.EmulatorLoss(ds)
		loss.Dropped = max(0, loss.Dropped-deliberateDrops.Load())
		return loss, nil
	}
}

// embeddedLoads are the loads of `harness run` on the embedded emulator: bind-unbind (the
// user's --threshold or its defaults), then calls with callbacks.
func embeddedLoads(o runOptions, target string, tracker *loadtest.CallbackTracker) ([]pipeline.Load, error) {
	ths, err := o.bindThresholds()
	if err != nil {
		return nil, err
	}
	callThs, err := loadtest.ParseThresholds(defaultRunCallsThresholds)
	if err != nil {
		return nil, err
	}
	loads := []pipeline.Load{
		{Name: "axb-bind-unbind", Given: len(o.thresholds.Load) > 0,
			Config: loadtest.Config{Scenario: loadtest.ScenarioBindUnbind, Mode: pns.ModeAXB, Rate: o.rate, Hold: defaultRunHold, Thresholds: ths}},
		{Name: "axb-calls", Config: loadtest.Config{Scenario: "calls", Mode: pns.ModeAXB, Rate: o.callRate, Callbacks: tracker, Thresholds: callThs}},
	}
	for i := range loads {
		c := &loads[i].Config
		c.Target = target
		c.Duration = o.loadDuration
		c.EphemeralTarget = true // the embedded emulator dies with the run
		loads[i].Title = fmt.Sprintf("%g/s for %s", c.Rate, o.loadDuration)
	}
	return loads, nil
}

// runLoadProfile is the load profile of the embedded platform: its demo apps with their X
// pools, so that bindings are spread over known numbers.
func runLoadProfile(em *emulator.Emulator) *loadtest.Profile {
	return profile.Demo(profile.DemoOptions{AreaMatchMode: "1", XNumbers: func(key string) []string {
		var xs []string
		for _, x := range em.Store().XNumbers(key) {
			xs = append(xs, x.Number)
		}
		return xs
	}})
}

// endCalls advances the embedded emulator's clock to the end of the last call in progress, so
// that calls placed near the end of a phase (a conformance scenario's talk for ten seconds of
// emulator time) push their disconnect and fee record before the emulator is reset or the
// report is written, however fast the run was. Without it, the report's callback section
// (hang-up causes among them) depended on the machine's speed.
func endCalls(plat *embedded.Platform) {
	clk := plat.Emulator.Clock()
	if end := plat.Simulator.LastEnd(); end.After(clk.Now()) {
		clk.Advance(end.Sub(clk.Now()))
	}
}
