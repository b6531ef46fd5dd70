// Package bindjournal is the binding journal the harness keeps in an output directory: one JSON
// object per line, appended, so that whatever ends a run (kill -9, a crash, a lost machine)
// the bindings it may have left on the platform can be found and removed (`harness cleanup
// DIR`). Loads (package loadtest) and the conformance suite write the same format, so one
// cleanup handles both.
package bindjournal

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

// File is the journal's name in its directory.
const File = "bindings.jsonl"

// Record kinds. A bind is written before its request is sent; its outcome when the answer
// arrives: bound (with its subscriptionId), refused (nothing was bound: an error answer, or a
// request that never reached the platform) or gone (unbound, expired, or found absent by
// cleanup). A bind with no outcome may be on the platform: cleanup resolves it by query.
const (
	OpRun     = "run"
	OpBind    = "bind"
	OpBound   = "bound"
	OpRefused = "refused"
	OpGone    = "gone"
)

// KindConformance marks the run record of a conformance run's journal (a load's has none),
// so that a directory holding only a journal (the run was killed) says what it was.
const KindConformance = "conformance"

// Record is one line of the journal. ID is unique among the binds of one journal.
type Record struct {
	Op     string `json:"op"`
	ID     uint64 `json:"id,omitempty"`
	Target string `json:"target,omitempty"` // run: the platform the binds went to
	At     string `json:"at,omitempty"`     // run: when it started
	// Kind (run) says what wrote the journal: KindConformance, or empty for a load.
	Kind string `json:"kind,omitempty"`
	// Ephemeral (run) says the platform was the run's own embedded emulator, whose state died
	// with the run: nothing it bound can be left.
	Ephemeral bool     `json:"ephemeral,omitempty"`
	Mode      pns.Mode `json:"mode,omitempty"`
	App       string   `json:"app,omitempty"` // the appKey that made the bind
	A         string   `json:"a,omitempty"`
	B         string   `json:"b,omitempty"`
	X         string   `json:"x,omitempty"`
	Ext       string   `json:"ext,omitempty"`
	Sub       string   `json:"sub,omitempty"`
}

// syncEvery is how often appended records are fsynced: each record is written to the file
// (the kernel keeps it if the process dies) before its request is sent; the batched fsync
// bounds what a machine crash can lose.
const syncEvery = 200 * time.Millisecond

// Writer appends records to a journal. A nil Writer records nothing. The first write error is
// kept and returned by Close; later records are dropped.
type Writer struct {
	once  sync.Once
	mu    sync.Mutex
	f     *os.File
	dirty bool
	err   error
	stop  chan struct{}
	done  chan struct{}
}

// Open opens (appending to) the journal of dir and starts its fsync loop.
func Open(dir string) (*Writer, error) {
	f, err := os.OpenFile(filepath.Join(dir, File), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, fmt.Errorf("binding journal: %w", err)
	}
	w := &Writer{f: f, stop: make(chan struct{}), done: make(chan struct{})}
	go w.syncLoop()
	return w, nil
}

func (w *Writer) syncLoop() {
	defer close(w.done)
	t := time.NewTicker(syncEvery)
	defer t.Stop()
	for {
		select {
		case <-w.stop:
			return
		case <-t.C:
			w.sync()
		}
	}
}

func (w *Writer) sync() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.dirty && w.err == nil {
		w.err = w.f.Sync()
		w.dirty = false
	}
}

// Write appends one record with a single write(2), so that it is in the file before the
// caller goes on (a killed process loses nothing it wrote).
func (w *Writer) Write(rec Record) {
	if w == nil {
		return
	}
	line, _ := json.Marshal(rec) // strings and numbers always marshal
	line = append(line, '\n')
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil || w.f == nil {
		return
	}
	_, w.err = w.f.Write(line)
	w.dirty = true
}

// Err returns the first write error so far.
func (w *Writer) Err() error {
	if w == nil {
		return nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// Close stops the fsync loop, syncs and closes the file (once; later calls only return the
// result); it returns the first error.
func (w *Writer) Close() error {
	if w == nil {
		return nil
	}
	w.once.Do(func() {
		close(w.stop)
		<-w.done
		w.sync()
		w.mu.Lock()
		defer w.mu.Unlock()
		if err := w.f.Close(); w.err == nil {
			w.err = err
		}
	})
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// State is what a journal says may still be on the platform.
type State struct {
	// Target is the platform of the run that wrote the journal (its last run record).
	Target string
	// Ephemeral is the last run record's: its platform was the run's own embedded emulator,
	// gone with the run, so nothing the journal counts can be left on it.
	Ephemeral bool
	// Kind is the last run record's: KindConformance, or empty for a load.
	Kind string
	// Binds counts the binds journaled; Live those bound and never removed; Maybe those whose
	// outcome never arrived (their request may have reached the platform).
	Binds, Live, Maybe int
	// LiveBinds and MaybeBinds are the binds Live and Maybe count (bound ones with their
	// subscriptionId), in ID order.
	LiveBinds, MaybeBinds []Record
}

// Read reads the journal of dir; an error wrapping fs.ErrNotExist when there is none. A last
// line cut by a crash is ignored; a broken line before the last is an error.
func Read(dir string) (*State, error) {
	f, err := os.Open(filepath.Join(dir, File))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st := &State{}
	binds := map[uint64]*Record{}
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
		var rec Record
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			bad = fmt.Errorf("%s line %d: %w", File, line, err)
			continue
		}
		switch rec.Op {
		case OpRun:
			st.Target, st.Ephemeral, st.Kind = rec.Target, rec.Ephemeral, rec.Kind
		case OpBind:
			if _, seen := binds[rec.ID]; !seen {
				st.Binds++
			}
			r := rec
			binds[rec.ID] = &r
			status[rec.ID] = OpBind
		case OpBound:
			if b := binds[rec.ID]; b != nil {
				b.Sub = rec.Sub
				if rec.X != "" {
					b.X = rec.X
				}
				if rec.Ext != "" {
					b.Ext = rec.Ext
				}
			}
			status[rec.ID] = OpBound
		case OpRefused, OpGone:
			status[rec.ID] = rec.Op
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", File, err)
	}
	ids := make([]uint64, 0, len(binds))
	for id := range binds {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		switch status[id] {
		case OpBound:
			st.LiveBinds = append(st.LiveBinds, *binds[id])
		case OpBind:
			st.MaybeBinds = append(st.MaybeBinds, *binds[id])
		}
	}
	st.Live, st.Maybe = len(st.LiveBinds), len(st.MaybeBinds)
	return st, nil
}
