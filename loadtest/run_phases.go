package loadtest

import (
	"cmp"
	"context"
	"fmt"
	"runtime"
	"sync"
	"time"
)

// This file is the run's phases in order: the journal, arrivals, the generator and its
// checkers, the end of the load, the wait for callbacks and the hard stop. It was split from
// run.go (issue 23) so that run.go keeps the runner and its entry point.

// run carries the load out: pools, arrivals, steps, checks, then cleanup and the result.
func (r *runner) run(ctx context.Context) (*Result, error) {
	if err := r.prepareOut(); err != nil {
		return nil, err
	}
	if r.cfg.OutDir != "" {
		if err := r.openRunJournal(ctx); err != nil {
			return nil, err
		}
		defer r.journal.close() // the early returns; the normal end closes it before the result
	}
	if r.usesCalls {
		if err := r.probeCalls(ctx); err != nil {
			return nil, configErr(err)
		}
	}
	if err := r.probeCredentials(ctx); err != nil {
		return nil, err
	}
	if err := r.setupPools(ctx); err != nil {
		r.teardownPools(ctx)
		r.cleanup(ctx)
		return nil, err
	}
	sinks, hl, err := r.openFiles()
	if err != nil {
		r.teardownPools(ctx)
		return nil, err
	}
	if r.usesCalls {
		r.startCallbacks()
	}
	r.gen = r.newRunGenerator(ctx)

	var st stopper
	stopLoad := r.stopLoadWith(&st)
	r.stopLoad.Store(&stopLoad)
	// The schedule's origin: taken right before the first arrival so that corrected latency
	// does not include setup time (nor the wait for the shards' shared start instant).
	r.waitStart(ctx)
	r.start = time.Now()
	r.lastAnswer.Store(r.start.UnixNano())
	r.agg.started = r.start
	r.win.begin(r.start)
	checked := r.startCheckers(sinks)
	queueDone := make(chan struct{})
	go func() {
		defer close(queueDone)
		r.queue.run(r.dispatchPending)
	}()
	r.startArrivals()
	stopMon := make(chan struct{})
	monDone := r.monitor(hl, stopMon, stopLoad)
	select {
	case <-ctx.Done():
		// Said for readers of the summary: a signal (Ctrl-C) or the caller stopped the run.
		stopLoad("interrupted before the end of the plan: no session started after it, and the bindings made were unbound (or are listed as leaked)")
		<-r.idle
	case <-r.idle:
	}
	r.queue.finish()
	<-queueDone
	r.gen.close()
	<-checked
	// The load is over and every answer recorded: the windows ending by its end are its
	// last (a plan that ran out counts to its end, its last arrivals may leave early); the
	// seconds after it (callback wait, cleanup) are no load.
	r.win.close(r.loadEnd(&st))
	if r.usesCalls {
		r.endCallbacks(ctx)
	}
	close(stopMon)
	<-monDone
	r.teardownPools(ctx)
	r.cleanup(ctx)
	r.closeJournal()
	return r.finish(&st)
}

// newRunGenerator is the generator of the run's requests, on Config.HTTPClient or a client
// of its own. Requests outlive a cancelled ctx: the unbinds of a stopping load must still go
// out.
func (r *runner) newRunGenerator(ctx context.Context) *generator {
	client := r.cfg.HTTPClient
	if client == nil {
		client = defaultClient(r.cfg.Timeout, r.cfg.MaxWorkers, r.cfg.TLSConfig)
	}
	return newGenerator(context.WithoutCancel(ctx), client, r.cfg.Workers, r.cfg.MaxWorkers)
}

// closeJournal closes the binding journal at the normal end; its error is the run's first
// file error unless one came before.
func (r *runner) closeJournal() {
	if err := r.journal.close(); err != nil {
		r.mu.Lock()
		r.fileErr = cmp.Or(r.fileErr, err)
		r.mu.Unlock()
	}
}

// stopLoadWith is the function that stops the load once, for the reason it is given (kept
// in st): no more arrivals, the queued steps dropped, and a hard stop one request timeout
// (plus slack) later for the unbinds to drain; the rest is cleanup's.
func (r *runner) stopLoadWith(st *stopper) func(reason string) {
	return func(reason string) {
		st.stop(reason, func() {
			r.stopping.Store(true)
			close(r.stopArrivals)
			r.queue.drainNow()
			time.AfterFunc(r.cfg.Timeout+5*time.Second, r.hardStop)
		})
	}
}

// loadEnd is when the load ended: now, or the plan's end when it ran out early and was not
// stopped (its last arrivals may leave early, the plan still counts to its end).
func (r *runner) loadEnd(st *stopper) time.Time {
	end := time.Now()
	if reason, _ := st.get(); reason == "" {
		if planEnd := r.start.Add(r.plan.Total()); planEnd.After(end) {
			end = planEnd
		}
	}
	return end
}

// openRunJournal takes over the output directory's binding journal (refusing one an earlier
// run may have left bindings in) and opens the run's own, shared by its modes.
func (r *runner) openRunJournal(ctx context.Context) error {
	if err := r.takeOverJournal(ctx); err != nil {
		return configErr(err)
	}
	j, err := openJournal(r.cfg.OutDir)
	if err != nil {
		return err
	}
	r.journal = j
	for _, m := range r.modes {
		m.journal = j
	}
	j.write(journalRecord{Op: journalRun, Target: r.base, At: time.Now().UTC().Format(time.RFC3339Nano), Ephemeral: r.cfg.EphemeralTarget})
	return nil
}

// startArrivals starts every flow's arrivals; once all have ended and no session is active,
// the run is idle.
func (r *runner) startArrivals() {
	var arrivals sync.WaitGroup
	for _, f := range r.flows {
		arrivals.Add(1)
		go func() {
			defer arrivals.Done()
			r.arrive(f)
		}()
	}
	go func() {
		arrivals.Wait()
		r.arrivalsDone.Store(true)
		if r.active.Load() == 0 {
			r.idleOnce.Do(func() { close(r.idle) })
		}
	}()
}

// endCallbacks waits for the callbacks of the load's calls, stops recording them and warns
// about calls whose fee record never came.
func (r *runner) endCallbacks(ctx context.Context) {
	r.waitCallbacks(ctx, r.cfg.Callbacks)
	r.cfg.Callbacks.detach()
	if n := r.cfg.Callbacks.openCalls(); n > 0 {
		r.warnOnce(fmt.Sprintf("%d calls had no fee record within the callback wait: check the emulator's callStatusUrl/feeUrl point at the receiver", n))
	}
}

// hardStop ends a stopping load that did not drain in time: queued steps are abandoned and
// their bindings left to cleanup.
func (r *runner) hardStop() {
	for _, p := range r.queue.stop() {
		if p.s.flow.unbind >= 0 && p.s.b.sub != "" {
			r.leftover(p.s.b)
		}
		r.sessionEnded(p.s, false)
	}
	close(r.gen.stop)
}

// startCheckers checks the generator's results on one goroutine per CPU and writes them to the
// flows' gob files from one goroutine; the returned channel is closed when all is done. Each
// hit is recycled (putHit) once checked and, with result files, written.
//
// Checking on the workers themselves, without this hand-off, was tried (issue 25) and cost
// about a tenth more CPU per request side by side with plain vegeta on a busy 2-core machine
// (interleaved simultaneous runs, median 0.90 for the hand-off over it): a starved generator
// grows to many workers, and each then ran the decoding, validation and recording too.
func (r *runner) startCheckers(sinks []*sink) chan struct{} {
	results := make(chan *hit, 1<<14)
	r.gen.handle = func(h *hit) { results <- h }
	r.gen.after = func() { close(results) }
	var enc chan *hit
	if sinks != nil {
		enc = make(chan *hit, 1<<12)
	}
	var wg sync.WaitGroup
	for i := 0; i < max(1, runtime.GOMAXPROCS(0)); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for h := range results {
				r.handle(h)
				if enc != nil {
					enc <- h // the encoder recycles it
				} else {
					putHit(h)
				}
			}
		}()
	}
	done := make(chan struct{})
	if enc == nil {
		go func() {
			wg.Wait()
			close(done)
		}()
		return done
	}
	go func() {
		wg.Wait()
		close(enc)
	}()
	go func() {
		defer close(done)
		r.encode(enc, sinks)
	}()
	return done
}
