package loadtest

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/pns-harness/pns-harness/internal/bindjournal"
	"github.com/pns-harness/pns-harness/pns"
)

// JournalFile is the binding journal of a load's output directory (package bindjournal): every
// bind is appended before its request is sent and its outcome when the answer arrives, so that
// whatever ends the run the bindings it may have left can be found and removed (`harness
// cleanup DIR`).
const JournalFile = bindjournal.File

// Journal record kinds of this package's writes (bindjournal's).
const (
	journalRun     = bindjournal.OpRun
	journalBound   = bindjournal.OpBound
	journalRefused = bindjournal.OpRefused
	journalGone    = bindjournal.OpGone
)

// journalRecord is one line of the journal.
type journalRecord = bindjournal.Record

// journal appends a load's records to its directory's journal. A nil journal records nothing.
type journal struct{ w *bindjournal.Writer }

// openJournal opens (appending to) the journal of dir and starts its fsync loop.
func openJournal(dir string) (*journal, error) {
	w, err := bindjournal.Open(dir)
	if err != nil {
		return nil, err
	}
	return &journal{w: w}, nil
}

// write appends one record before the caller goes on (a killed process loses nothing it wrote).
func (j *journal) write(rec journalRecord) {
	if j != nil {
		j.w.Write(rec)
	}
}

func (j *journal) bind(b *bindState) {
	if j == nil {
		return
	}
	j.write(journalRecord{Op: bindjournal.OpBind, ID: b.id, Mode: b.m.mode, App: b.m.app.AppKey, A: b.a, B: b.b, X: b.x, Ext: b.ext})
}

func (j *journal) outcome(op string, b *bindState) {
	if j == nil {
		return
	}
	rec := journalRecord{Op: op, ID: b.id}
	if op == journalBound {
		rec.Sub, rec.X, rec.Ext = b.sub, b.x, b.ext
	}
	j.write(rec)
}

// close syncs and closes the journal (once); it returns the first error.
func (j *journal) close() error {
	if j == nil {
		return nil
	}
	return j.w.Close()
}

// JournalState is what a journal says may still be on the platform (bindjournal.State).
type JournalState = bindjournal.State

// ReadJournal reads the journal of dir; fs.ErrNotExist when there is none. A last line cut
// by a crash is ignored.
func ReadJournal(dir string) (*JournalState, error) { return bindjournal.Read(dir) }

// CleanupConfig is a cleanup of a load's output directory after the load could not clean up
// itself (killed, crashed, its platform down).
type CleanupConfig struct {
	// Dir holds the journal (JournalFile).
	Dir string
	// Target is the platform; empty means the one the journal names.
	Target string
	// Gate applies to Target as for a load, with the cleanup's rate as the peak.
	Gate      Gate
	TLSConfig *tls.Config
	// Profile gives the apps and their secrets; each journaled bind's app must be the
	// profile's app of its mode. Nil means DefaultProfile().
	Profile *Profile
	// Timeout, Attempts and Rate are the cleanup's budget and pace, as Config's
	// CleanupTimeout, CleanupAttempts and CleanupRate.
	Timeout  time.Duration
	Attempts int
	Rate     float64
}

// CleanupResult is what a cleanup of a directory did.
type CleanupResult struct {
	Target string
	// Before is the journal's state before the cleanup.
	Before JournalState
	// Cleanup counts what was removed (Retried), what could not be (Leaked, named) and the
	// binds whose outcome could not be learned (Unknown). Bound counts the bindings found
	// for binds whose answer was lost.
	Cleanup Cleanup
	// Ephemeral is true when the journal's platform was its run's own embedded emulator, gone
	// with the run: nothing can be left, and the cleanup asked nothing.
	Ephemeral bool
}

// CleanupDir removes every binding the journal of cfg.Dir says may be on the platform: the
// bound ones by subscriptionId, those whose answer was lost by querying the platform by the
// numbers they used. What it removes is journaled, so running it again only retries the rest.
// The error is for a cleanup that could not start (no journal, bad configuration, target
// refused); what could not be removed is in the result.
func CleanupDir(ctx context.Context, cfg CleanupConfig) (*CleanupResult, error) {
	st, err := ReadJournal(cfg.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &ConfigError{fmt.Errorf("%s: no binding journal (%s): not the --out directory of a load", cfg.Dir, JournalFile)}
	}
	if err != nil {
		return nil, &ConfigError{err}
	}
	if st.Ephemeral {
		res := &CleanupResult{Target: st.Target, Before: *st, Ephemeral: true}
		res.Before.LiveBinds, res.Before.MaybeBinds = nil, nil
		return res, nil
	}
	target := cmp.Or(cfg.Target, st.Target)
	if target == "" {
		return nil, &ConfigError{fmt.Errorf("%s: the journal names no target: give one", cfg.Dir)}
	}
	rc := Config{Target: target, Gate: cfg.Gate, TLSConfig: cfg.TLSConfig, Profile: cfg.Profile, Shards: 1,
		CleanupTimeout: cfg.Timeout, CleanupAttempts: cfg.Attempts, CleanupRate: cfg.Rate}
	if rc.Profile == nil {
		rc.Profile = DefaultProfile()
	}
	if rc.CleanupTimeout <= 0 {
		rc.CleanupTimeout = DefaultCleanupTimeout
	}
	if rc.CleanupAttempts <= 0 {
		rc.CleanupAttempts = DefaultCleanupAttempts
	}
	if err := CheckTarget(target, cfg.Gate, Peak{Requests: cleanupRate(rc), Arithmetic: "the cleanup's rate"}); err != nil {
		return nil, &ConfigError{err}
	}
	r := &runner{cfg: rc, base: strings.TrimRight(target, "/"), modes: map[pns.Mode]*modeRun{}, agg: newAggregate()}
	// One mode run per mode and app: a conformance journal holds binds of several apps of a
	// mode (AXB, AXB-2, …), each unbound with its own credentials.
	type modeApp struct {
		mode pns.Mode
		app  string
	}
	runs := map[modeApp]*modeRun{}
	state := func(recs []journalRecord) ([]*bindState, error) {
		var out []*bindState
		for _, rec := range recs {
			k := modeApp{rec.Mode, rec.App}
			m := runs[k]
			if m == nil {
				app, secret, err := journalApp(rc.Profile, rec.Mode, rec.App)
				if err != nil {
					return nil, err
				}
				if m, err = newAppModeRun(rc, r.base, rec.Mode, app, secret, 0, 1); err != nil {
					return nil, err
				}
				runs[k] = m
			}
			out = append(out, &bindState{m: m, id: rec.ID, a: rec.A, b: rec.B, xi: -1, x: rec.X, ext: rec.Ext, sub: rec.Sub})
		}
		return out, nil
	}
	live, err := state(st.LiveBinds)
	if err != nil {
		return nil, &ConfigError{err}
	}
	maybe, err := state(st.MaybeBinds)
	if err != nil {
		return nil, &ConfigError{err}
	}
	if r.journal, err = openJournal(cfg.Dir); err != nil {
		return nil, err
	}
	r.removeAll(ctx, live, maybe, true)
	jerr := r.journal.close()
	res := &CleanupResult{Target: target, Before: *st, Cleanup: r.agg.cleanup}
	res.Before.LiveBinds, res.Before.MaybeBinds = nil, nil
	return res, jerr
}

// takeOverJournal makes the output directory's journal this run's. An earlier run's journal
// that says bindings may still be on the platform is never overwritten: with
// Config.CleanupFirst they are removed first (CleanupDir), else the run is refused; a journal
// with nothing left is replaced.
func (r *runner) takeOverJournal(ctx context.Context) error {
	dir := r.cfg.OutDir
	st, err := ReadJournal(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: an earlier run's binding journal cannot be read (%w): remove it once its bindings are known to be gone", dir, err)
	}
	if st.Ephemeral {
		// Its platform was that run's own emulator, gone with it.
		return os.Remove(filepath.Join(dir, JournalFile))
	}
	if st.Live+st.Maybe > 0 && r.cfg.CleanupFirst {
		res, err := CleanupDir(ctx, CleanupConfig{Dir: dir, Target: r.cfg.Target, Gate: r.cfg.Gate, TLSConfig: r.cfg.TLSConfig,
			Profile: r.cfg.Profile, Timeout: r.cfg.CleanupTimeout, Attempts: r.cfg.CleanupAttempts, Rate: r.cfg.CleanupRate})
		if err != nil {
			return fmt.Errorf("cleanup of the earlier run in %s: %w", dir, err)
		}
		if p := res.Cleanup.Problem(); p != "" {
			return fmt.Errorf("cleanup of the earlier run in %s: %s", dir, p)
		}
		r.warnOnce(fmt.Sprintf("removed %d binding(s) an earlier run in %s had left on the platform", res.Cleanup.Retried, dir))
	} else if st.Live+st.Maybe > 0 {
		return fmt.Errorf("%s: the binding journal of an earlier run says %d binding(s) may still be on the platform (%d bound, %d without an answer): run `harness cleanup %s` first, or load with --cleanup-first",
			dir, st.Live+st.Maybe, st.Live, st.Maybe, dir)
	}
	return os.Remove(filepath.Join(dir, JournalFile))
}

// journalApp returns the profile's app that made a journaled bind of mode m with appKey, and
// its secret: the mode's app when its key matches, else any app of the profile with that key.
func journalApp(p *Profile, m pns.Mode, appKey string) (*AppProfile, string, error) {
	if app, secret, err := p.ModeApp(m); err == nil && app.AppKey == appKey {
		return app, secret, nil
	}
	names := make([]string, 0, len(p.Apps))
	for n := range p.Apps {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if a := p.Apps[n]; a != nil && a.AppKey == appKey {
			s, err := a.Secret()
			if err != nil {
				return nil, "", fmt.Errorf("profile: apps.%s: %w", n, err)
			}
			return a, s, nil
		}
	}
	return nil, "", fmt.Errorf("the journal's %s binds were made by app %s, which the profile does not have: give the profile of the run", m, appKey)
}
