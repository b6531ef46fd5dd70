package loadtest

// This file keeps the exact account of the bindings a load made (bound, unbound, refused,
// left over, orphaned) and the run's warnings. It was split from run.go (issue 23): the
// account is one noun, read apart from the run's phases.

// warnOnce adds a warning to the result once.
func (r *runner) warnOnce(w string) {
	r.mu.Lock()
	first := !r.warned[w]
	r.warned[w] = true
	r.mu.Unlock()
	if first {
		r.agg.mu.Lock()
		r.agg.warnings = append(r.agg.warnings, w)
		r.agg.mu.Unlock()
	}
}

// bound, unbound, leftover and orphan keep the exact account of the bindings the load made.
func (r *runner) bound(b *bindState) {
	r.journal.outcome(journalBound, b)
	r.live.Add(1)
	r.agg.mu.Lock()
	r.agg.cleanup.Bound++
	r.agg.mu.Unlock()
}

func (r *runner) unbound(b *bindState) {
	r.journal.outcome(journalGone, b)
	r.live.Add(-1)
	b.m.pool.release(b.xi)
	r.agg.mu.Lock()
	r.agg.cleanup.Unbound++
	r.agg.mu.Unlock()
}

// refused records a bind that created nothing and frees its X.
func (r *runner) refused(b *bindState) {
	r.journal.outcome(journalRefused, b)
	b.m.pool.release(b.xi)
}

func (r *runner) leftover(b *bindState) {
	r.mu.Lock()
	r.leftovers = append(r.leftovers, b)
	r.mu.Unlock()
}

func (r *runner) orphan(b *bindState) {
	r.mu.Lock()
	r.orphans = append(r.orphans, b)
	r.mu.Unlock()
}
