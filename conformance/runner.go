package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cucumber/godog"
	"github.com/pns-harness/pns-harness/conformance/results"
	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/features"
	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/schemas"
)

// Options configure a run.
type Options struct {
	// Target is the platform base URL; empty starts the embedded emulator (StartEmulator) for
	// the duration of the run and uses EmulatorProfile unless Profile is set.
	Target string
	// Profile describes apps and numbers; nil means DefaultProfile (or EmulatorProfile for an
	// embedded emulator).
	Profile *Profile
	// ProfileFile is the file Profile was read from, named in the `harness sign` command a
	// failure block's reproduce line offers; empty when Profile is a built-in one, which is
	// also `harness sign`'s default.
	ProfileFile string
	// Tags is a godog tag expression (`@axb.bind && ~@emulator`); empty runs everything.
	Tags string
	// Locations narrows the run to the scenarios at these places (ParseLocation); empty:
	// no narrowing. A location that names no scenario of the suite is an error of Run.
	Locations []Location
	// Name narrows the run to the scenarios whose name (an outline row's with its values)
	// matches; nil: any name.
	Name *regexp.Regexp
	// StopOnFailure ends the run after the first failed scenario (StateFailed, not a known
	// difference nor a difference from an emulator decision): every scenario after it is
	// not checked, with the reason StoppedReason, and the bindings are still cleaned up.
	StopOnFailure bool
	// OutDir receives cucumber.json, junit.xml, coverage.json and conformance.json (and the
	// binding journal); empty writes no files and keeps no Result.Outcomes.
	OutDir string
	// Emulator forces emulator mode (also enabled by Profile.Emulator).
	Emulator bool
	// Output receives the progress output; nil discards it.
	Output io.Writer
	// Format is the godog console format (progress or pretty); default progress.
	Format string
	// Concurrency is the number of scenarios run in parallel (default 1). Scenario state is
	// per scenario, so any value is safe; output interleaves.
	Concurrency int
	// Randomize shuffles scenarios with this seed (-1 = random seed, 0 = file order).
	Randomize int64
	// Slow runs the @slow scenarios against a target that is not the emulator: they wait in
	// real time (e.g. for a binding to expire). Against the emulator they advance its clock
	// and always run.
	Slow bool
	// HTTPClient sends the requests; nil uses a client with a 30 s timeout that does not
	// follow redirects.
	HTTPClient *http.Client
	// FS holds the features; nil uses the embedded features.FS.
	FS fs.FS
	// TestingT runs every scenario as a subtest (see RunTest).
	TestingT *testing.T
	// Pushes tells the push-delivery scenarios (callback_delivery.feature) what arrives at
	// the customer's notification URLs of an emulator given as Target, e.g. the
	// *receiver.Receiver the emulator's app URLs point at. Without it those
	// scenarios are skipped. Ignored when Target is empty: the runner then starts the
	// embedded emulator with its own receivers.
	Pushes PushSource
	// Replies, with Pushes, are the answers of that receiver to Block requests (its
	// receiver.Options.BlockReply is Replies.Reply): the scenarios that set the customer's
	// reply then run. Without it they are not checked. Ignored when Target is empty.
	Replies *BlockReplies
	// Receivers, when set with a Target the caller started (harness run), are the runner's
	// own receivers that the target's apps push to (OwnReceivers.Configure): every delivery
	// scenario then runs as against the embedded emulator, the URL a push arrived at, its
	// Created and the customers answering particularly included. It replaces Pushes and
	// Replies. Ignored when Target is empty.
	Receivers *OwnReceivers
	// BindingLifetime is the lifetime every AXB and AXE bind of the suite carries (`duration`,
	// `bindExpiredTime`) unless its body has one or its scenario's rule is about the lifetime,
	// so that a binding the run leaves behind expires by itself. 0 means SuiteLifetime of the
	// selected scenarios; negative sends none. AX binds have no lifetime field.
	BindingLifetime time.Duration
	// EphemeralTarget says Target is an emulator started for this run only, whose state dies
	// with it (harness run): the binding journal then says nothing can be left on it.
	EphemeralTarget bool
	// KnownDifferences accepts listed failures as known differences (nil: none).
	KnownDifferences *KnownDifferences
	// Now is the date known-difference expiries are judged against; nil uses time.Now.
	Now func() time.Time

	// mutant breaks the embedded emulator on purpose (mutation tests only): a configuration
	// change and a handler wrapper, applied when Target is empty.
	mutantConfig  func(*emulator.Config)
	mutantHandler func(http.Handler) http.Handler
}

// Result is the outcome of a run (results.Result: a package without godog, so that the
// report is built without linking the suite).
type Result = results.Result

// ValidateTags rejects tag expressions that godog would panic on or silently misread: empty
// alternatives (",,") and tags without their @.
func ValidateTags(expr string) error {
	if strings.TrimSpace(expr) == "" {
		return nil
	}
	for _, and := range strings.Split(expr, "&&") {
		for _, or := range strings.Split(and, ",") {
			t := strings.TrimPrefix(strings.TrimSpace(or), "~")
			if !strings.HasPrefix(t, "@") || len(t) < 2 || strings.ContainsAny(t, " \t()") {
				return fmt.Errorf("tags %q: %q is not a tag (write @name or ~@name; ',' = or, '&&' = and, no parentheses)", expr, strings.TrimSpace(or))
			}
		}
	}
	return nil
}

// featurePaths lists the feature files with authentication.feature last, so that deliberate
// authentication failures cannot lock out the scenarios after them (§2.6).
func featurePaths(fsys fs.FS) ([]string, error) {
	entries, err := fs.Glob(fsys, "*.feature")
	if err != nil {
		return nil, err
	}
	sort.Strings(entries)
	var out []string
	last := ""
	for _, e := range entries {
		if e == "authentication.feature" {
			last = e
			continue
		}
		out = append(out, e)
	}
	if last != "" {
		out = append(out, last)
	}
	if len(out) == 0 {
		return nil, errors.New("no .feature files")
	}
	return out, nil
}

// Run executes the features. The error is for setup problems (bad profile, unreachable
// configuration, output directory); scenario failures are reported in Result.Status.
func Run(ctx context.Context, o Options) (*Result, error) {
	start := time.Now()
	var own *ownPushes
	if o.Target == "" {
		url, p, stop, err := startWithPushes(o.mutantConfig, o.mutantHandler)
		if err != nil {
			return nil, err
		}
		defer stop()
		o.Target, own = url, p
		if o.Profile == nil {
			o.Profile = EmulatorProfile()
		}
	}
	o.setDefaults()
	selected, focused, err := selectScenarios(o)
	if err != nil {
		return nil, err
	}
	rs, err := prepareRunState(o, selected, own)
	if err != nil {
		return nil, err
	}
	if o.OutDir != "" {
		// Before the first request: a directory holding an earlier run's possible leftovers is
		// refused, and every bind of this run is journaled.
		if err := os.MkdirAll(o.OutDir, 0o755); err != nil {
			return nil, err
		}
		if rs.journal, err = openJournal(o.OutDir, rs.target, own != nil || o.EphemeralTarget); err != nil {
			return nil, err
		}
	}
	defer rs.journal.Close() // closed below; this covers the early returns
	res := &Result{Target: o.Target, Emulator: rs.emulator, FeaturesHash: features.Hash(), LifetimeSeconds: int64(math.Ceil(rs.lifetime.Seconds()))}
	if o.FS != fs.FS(features.FS) {
		res.FeaturesHash = ""
	}
	if rs.emulator {
		if err := rs.admin.lockout(ctx, false); err != nil {
			res.Warnings = append(res.Warnings, "could not switch the emulator lockout off; negative authentication scenarios may lock out the run: "+err.Error())
		}
	}
	suite, sink, done := newOutcomeRun()
	defer done()
	if res.Status, err = rs.runGodog(ctx, o, suite, selected, focused); err != nil {
		return nil, err
	}
	rs.tally(res)
	if res.Failed > 0 && res.Status == 0 {
		res.Status = 1 // a scenario our hooks failed after godog had passed its steps
	}
	if err := rs.finish(ctx, o, res); err != nil {
		return res, err
	}
	cov, err := BuildCoverage(o.FS, res)
	if err != nil {
		return res, err
	}
	res.Coverage = cov
	res.Duration = time.Since(start)
	if o.OutDir != "" {
		if err := keepOutcomes(o, res, sink); err != nil {
			return res, err
		}
		if err := writeJSON(filepath.Join(o.OutDir, "coverage.json"), cov); err != nil {
			return res, err
		}
		if err := writeJSON(filepath.Join(o.OutDir, "conformance.json"), res); err != nil {
			return res, err
		}
	}
	return res, nil
}

// keepOutcomes takes the outcomes the run's formatter kept into res and writes them as
// cucumber.json and junit.xml.
func keepOutcomes(o Options, res *Result, sink *outcomeSink) error {
	out, err := sink.take()
	if err != nil {
		return fmt.Errorf("conformance outcomes: %w", err)
	}
	titles, err := featureTitles(o.FS, res)
	if err != nil {
		return fmt.Errorf("junit.xml: %w", err)
	}
	if err := writeOutcomes(o.OutDir, out, res, titles); err != nil {
		return err
	}
	res.Outcomes = out
	return nil
}

// finish ends the run after the scenarios: stale known differences, the sweep of bindings
// left behind, the journal closed, and how the run was cut short (interrupted, credentials
// refused, locked out).
func (rs *runState) finish(ctx context.Context, o Options, res *Result) error {
	res.Stale = o.KnownDifferences.stale(o.Now())
	rs.sweep(ctx)
	res.Cleanup = rs.ledger.result()
	if err := rs.journal.Close(); err != nil {
		return fmt.Errorf("binding journal: %w", err)
	}
	res.Interrupted = ctx.Err() != nil
	res.CredentialsRefused = rs.creds.Refused()
	if rs.guard.locked.Load() {
		res.LockedOut, res.LockoutSkipped = true, int(rs.guard.skipped.Load())
		res.Warnings = append(res.Warnings, fmt.Sprintf("%s (%d skipped)", lockedReason, res.LockoutSkipped))
	}
	return nil
}

// setDefaults fills the options left zero: the profile, the features, the console format
// and output, the concurrency and the clock.
func (o *Options) setDefaults() {
	if o.Profile == nil {
		o.Profile = DefaultProfile()
	}
	if o.FS == nil {
		o.FS = features.FS
	}
	if o.Format == "" {
		o.Format = "progress"
	}
	if o.Output == nil {
		o.Output = io.Discard
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 1
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// selectScenarios is the scenarios the tags select, narrowed to the locations and the name
// when either is given (focused).
func selectScenarios(o Options) (selected []Pickle, focused bool, err error) {
	selected, err = Select(o.FS, o.Tags)
	if err != nil {
		return nil, false, err
	}
	focused = len(o.Locations) > 0 || o.Name != nil
	if focused {
		all, err := ParseFeatures(o.FS)
		if err != nil {
			return nil, false, err
		}
		if selected, err = Focus(all, selected, o.Locations, o.Name); err != nil {
			return nil, false, err
		}
	}
	return selected, focused, nil
}

// prepareRunState makes the run's shared state: the binding lifetime, every scenario's
// lines, and where pushes come from (the run's own emulator, its receivers, or a feed).
func prepareRunState(o Options, selected []Pickle, own *ownPushes) (*runState, error) {
	rs, err := newRunState(o)
	if err != nil {
		return nil, err
	}
	switch {
	case o.BindingLifetime > 0:
		rs.lifetime = o.BindingLifetime
	case o.BindingLifetime == 0:
		rs.lifetime = SuiteLifetime(selected, rs.emulator)
	}
	all, err := ParseFeatures(o.FS)
	if err != nil {
		return nil, err
	}
	for _, p := range all {
		rs.lines[p.Key] = p.Lines
	}
	switch {
	case own != nil:
		rs.pushes, rs.ownPushes, rs.replies = own, true, &own.replies
	case o.Receivers != nil:
		own := o.Receivers.o
		rs.pushes, rs.ownPushes, rs.replies = own, true, &own.replies
	case o.Pushes != nil:
		rs.pushes, rs.replies = sourceFeed{o.Pushes}, o.Replies
	}
	return rs, nil
}

// runGodog runs the selected scenarios through godog as the suite named suite (its console
// filtered; with an output directory, its outcomes kept by the formatter registered as
// OutcomeFormat, which finds the run's collector by that name) and returns godog's status.
func (rs *runState) runGodog(ctx context.Context, o Options, suite string, selected []Pickle, focused bool) (int, error) {
	paths, err := featurePaths(o.FS)
	if err != nil {
		return 0, err
	}
	godogFS := o.FS
	if focused {
		// godog's own path:line filter neither selects one Examples row nor keeps the
		// scenario's URI (it appends the line), so the runner hands it only the selection.
		if godogFS, paths, err = focusFS(o.FS, selected); err != nil {
			return 0, err
		}
	}
	console := &summaryFilter{out: o.Output}
	format := o.Format
	if o.OutDir != "" {
		format += "," + OutcomeFormat
	}
	gopts := godog.Options{
		Format:         format,
		Output:         console,
		Paths:          paths,
		FS:             godogFS,
		Tags:           o.Tags,
		Concurrency:    o.Concurrency,
		Randomize:      o.Randomize,
		Strict:         true,
		NoColors:       true,
		TestingT:       o.TestingT,
		DefaultContext: ctx,
	}
	status := godog.TestSuite{
		Name:                suite,
		ScenarioInitializer: rs.initScenario,
		Options:             &gopts,
	}.Run()
	console.flush()
	return status, nil
}

// tally copies the recorded scenarios into res in the order they ran and counts them by
// state.
func (rs *runState) tally(res *Result) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for _, k := range rs.order {
		s := *rs.results[k]
		res.Scenarios = append(res.Scenarios, s)
		switch s.State {
		case StatePassed:
			res.Passed++
		case StateNotChecked:
			res.NotChecked++
		case StateNotApplicable:
			res.NotApplicable++
		case StateKnownDifference:
			res.KnownDifferences++
		case StateDiffers:
			res.Differs++
		default:
			res.Failed++
		}
	}
	res.Skipped = res.NotChecked + res.NotApplicable
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// startWithPushes serves the conformance emulator with every app's notification URLs pointed
// at the runner's own receivers. stop closes the emulator (its dispatcher sends what is queued)
// before the receivers.
func startWithPushes(mutate func(*emulator.Config), wrap func(http.Handler) http.Handler) (string, *ownPushes, func(), error) {
	cfg, err := ConformanceConfig()
	if err != nil {
		return "", nil, nil, err
	}
	v, err := schemas.New()
	if err != nil {
		return "", nil, nil, err
	}
	apps := map[string]string{}
	for _, a := range cfg.Apps {
		apps[a.AppKey] = a.AppSecret
	}
	own, err := startOwnPushes(apps, v)
	if err != nil {
		return "", nil, nil, err
	}
	own.configure(cfg)
	// After configure, so that a mutant can break the notification URLs too (D77).
	if mutate != nil {
		mutate(cfg)
	}
	url, stop, err := ServeEmulator(cfg, wrap)
	if err != nil {
		own.close()
		return "", nil, nil, err
	}
	return url, own, func() { stop(); own.close() }, nil
}

// newRunState resolves secrets, compiles the schemas and prepares number sources.
func newRunState(o Options) (*runState, error) {
	p := o.Profile
	rs := &runState{
		target:        strings.TrimRight(o.Target, "/"),
		prof:          p,
		profileFile:   o.ProfileFile,
		emulator:      o.Emulator || p.Emulator,
		slow:          o.Slow,
		stopOnFailure: o.StopOnFailure,
		known:         o.KnownDifferences,
		now:           o.Now,
		lines:         map[string][]int{},
		httpc:         o.HTTPClient,
		xs:            map[string]*xSource{},
		secrets:       map[string]string{},
		results:       map[string]*ScenarioResult{},
		creds:         pns.CredentialWatch{Limit: pns.RefusalLimit(p.Lockout.Failures)},
	}
	if rs.httpc == nil {
		rs.httpc = &http.Client{
			Timeout:       30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	var errs []string
	seed := randUint64()
	for name, a := range p.Apps {
		s, err := a.Secret()
		if err != nil {
			errs = append(errs, fmt.Sprintf("apps.%s: %v", name, err))
			continue
		}
		rs.secrets[name] = s
		rs.xs[name] = newXSource(a.X(), seed)
	}
	if len(errs) > 0 {
		sort.Strings(errs)
		return nil, errors.New("profile: " + strings.Join(errs, "\n"))
	}
	rs.mobile = newNumberSource(p.NumberBlocks, 14, seed)
	if len(p.FixedLineBlocks) > 0 {
		rs.fixed = newNumberSource(p.FixedLineBlocks, 14, seed/3)
	}
	v, err := schemas.New()
	if err != nil {
		return nil, err
	}
	rs.val = v
	rs.admin = &adminClient{base: p.AdminBase(rs.target), httpc: rs.httpc}
	return rs, nil
}

// RunTest runs the suite from `go test`: every scenario is a subtest of t, and the test fails
// when a scenario fails. It returns the result for further assertions.
func RunTest(t *testing.T, o Options) *Result {
	t.Helper()
	o.TestingT = t
	res, err := Run(context.Background(), o)
	if err != nil {
		t.Fatalf("conformance run: %v", err)
	}
	if res.Status != 0 {
		t.Errorf("conformance run: godog status %d, failed scenarios: %s", res.Status, strings.Join(res.FailedKeys(), "; "))
	}
	return res
}
