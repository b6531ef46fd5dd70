package loadtest

import (
	"bufio"
	"cmp"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

// JournalFile is the binding journal of a load's output directory: one JSON object per line,
// appended, so that whatever ends the run (kill -9, a crash, a lost machine) the bindings it
// may have left can be found and removed (`harness cleanup DIR`).
const JournalFile = "bindings.jsonl"

// Journal record kinds. A bind is written before its request is sent; its outcome when the
// answer arrives: bound (with its subscriptionId), refused (nothing was bound: an error answer,
// or a request that never reached the platform) or gone (unbound, expired, or found absent by
// cleanup). A bind with no outcome may be on the platform: cleanup resolves it by query.
const (
	journalRun     = "run"
	journalBind    = "bind"
	journalBound   = "bound"
	journalRefused = "refused"
	journalGone    = "gone"
)

// journalRecord is one line of the journal.
type journalRecord struct {
	Op     string   `json:"op"`
	ID     uint64   `json:"id,omitempty"`
	Target string   `json:"target,omitempty"` // run: the platform the binds went to
	At     string   `json:"at,omitempty"`     // run: when it started
	Mode   pns.Mode `json:"mode,omitempty"`
	App    string   `json:"app,omitempty"`
	A      string   `json:"a,omitempty"`
	B      string   `json:"b,omitempty"`
	X      string   `json:"x,omitempty"`
	Ext    string   `json:"ext,omitempty"`
	Sub    string   `json:"sub,omitempty"`
}

// journalSyncEvery is how often appended records are fsynced: each record is written to the
// file (the kernel keeps it if the process dies) before its request is sent; the batched
// fsync bounds what a machine crash can lose.
const journalSyncEvery = 200 * time.Millisecond

// journal appends records to a JournalFile. A nil journal records nothing. The first write
// error is kept and reported by close; later records are dropped.
type journal struct {
	once  sync.Once
	mu    sync.Mutex
	f     *os.File
	dirty bool
	err   error
	stop  chan struct{}
	done  chan struct{}
}

// openJournal opens (appending to) the journal of dir and starts its fsync loop.
func openJournal(dir string) (*journal, error) {
	f, err := os.OpenFile(filepath.Join(dir, JournalFile), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, fmt.Errorf("binding journal: %w", err)
	}
	j := &journal{f: f, stop: make(chan struct{}), done: make(chan struct{})}
	go j.syncLoop()
	return j, nil
}

func (j *journal) syncLoop() {
	defer close(j.done)
	t := time.NewTicker(journalSyncEvery)
	defer t.Stop()
	for {
		select {
		case <-j.stop:
			return
		case <-t.C:
			j.sync()
		}
	}
}

func (j *journal) sync() {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.dirty && j.err == nil {
		j.err = j.f.Sync()
		j.dirty = false
	}
}

// write appends one record with a single write(2), so that it is in the file before the
// caller goes on (a killed process loses nothing it wrote).
func (j *journal) write(rec journalRecord) {
	if j == nil {
		return
	}
	line, _ := json.Marshal(rec) // strings and numbers always marshal
	line = append(line, '\n')
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.err != nil || j.f == nil {
		return
	}
	_, j.err = j.f.Write(line)
	j.dirty = true
}

func (j *journal) bind(b *bindState) {
	if j == nil {
		return
	}
	j.write(journalRecord{Op: journalBind, ID: b.id, Mode: b.m.mode, App: b.m.app.AppKey, A: b.a, B: b.b, X: b.x, Ext: b.ext})
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

// close stops the fsync loop, syncs and closes the file (once; later calls only return the
// result); it returns the first error.
func (j *journal) close() error {
	if j == nil {
		return nil
	}
	j.once.Do(func() {
		close(j.stop)
		<-j.done
		j.sync()
		j.mu.Lock()
		defer j.mu.Unlock()
		if err := j.f.Close(); j.err == nil {
			j.err = err
		}
	})
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.err
}

// JournalState is what a journal says may still be on the platform.
type JournalState struct {
	// Target is the platform of the run that wrote the journal (its last run record).
	Target string
	// Binds counts the binds journaled; Live those bound and never removed; Maybe those whose
	// outcome never arrived (their request may have reached the platform).
	Binds, Live, Maybe int
	live, maybe        []journalRecord
}

// ReadJournal reads the journal of dir; fs.ErrNotExist when there is none. A last line cut
// by a crash is ignored.
func ReadJournal(dir string) (*JournalState, error) {
	f, err := os.Open(filepath.Join(dir, JournalFile))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st := &JournalState{}
	binds := map[uint64]*journalRecord{}
	status := map[uint64]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line := 0
	var bad error
	for sc.Scan() {
		line++
		if bad != nil {
			return nil, bad // a broken line that is not the last: the journal is damaged
		}
		var rec journalRecord
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			bad = fmt.Errorf("%s line %d: %w", JournalFile, line, err)
			continue
		}
		switch rec.Op {
		case journalRun:
			st.Target = rec.Target
		case journalBind:
			if _, seen := binds[rec.ID]; !seen {
				st.Binds++
			}
			r := rec
			binds[rec.ID] = &r
			status[rec.ID] = journalBind
		case journalBound:
			if b := binds[rec.ID]; b != nil {
				b.Sub = rec.Sub
				if rec.X != "" {
					b.X = rec.X
				}
				if rec.Ext != "" {
					b.Ext = rec.Ext
				}
			}
			status[rec.ID] = journalBound
		case journalRefused, journalGone:
			status[rec.ID] = rec.Op
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", JournalFile, err)
	}
	ids := make([]uint64, 0, len(binds))
	for id := range binds {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		switch status[id] {
		case journalBound:
			st.live = append(st.live, *binds[id])
		case journalBind:
			st.maybe = append(st.maybe, *binds[id])
		}
	}
	st.Live, st.Maybe = len(st.live), len(st.maybe)
	return st, nil
}

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
	state := func(recs []journalRecord) ([]*bindState, error) {
		var out []*bindState
		for _, rec := range recs {
			m := r.modes[rec.Mode]
			if m == nil {
				if m, err = newModeRun(rc, r.base, rec.Mode, 0, 1); err != nil {
					return nil, err
				}
				r.modes[rec.Mode] = m
			}
			if m.app.AppKey != rec.App {
				return nil, fmt.Errorf("the journal's %s binds were made by app %s but the profile's %s app is %s", rec.Mode, rec.App, rec.Mode, m.app.AppKey)
			}
			out = append(out, &bindState{m: m, id: rec.ID, a: rec.A, b: rec.B, xi: -1, x: rec.X, ext: rec.Ext, sub: rec.Sub})
		}
		return out, nil
	}
	live, err := state(st.live)
	if err != nil {
		return nil, &ConfigError{err}
	}
	maybe, err := state(st.maybe)
	if err != nil {
		return nil, &ConfigError{err}
	}
	if r.journal, err = openJournal(cfg.Dir); err != nil {
		return nil, err
	}
	r.removeAll(ctx, live, maybe, true)
	jerr := r.journal.close()
	res := &CleanupResult{Target: target, Before: *st, Cleanup: r.agg.cleanup}
	res.Before.live, res.Before.maybe = nil, nil
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
