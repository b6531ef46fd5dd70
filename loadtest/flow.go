package loadtest

import (
	"container/heap"
	"crypto/tls"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

// arrivalGrace is how long after its plan's end a flow that fell behind may still send the
// arrivals the plan scheduled; what it has not sent by then is the run's shortfall.
const arrivalGrace = time.Second

// modeRun is what the requests of one mode share: the app, its signer, its X numbers.
type modeRun struct {
	mode   pns.Mode
	key    string // "axb"
	base   string
	app    *AppProfile
	signer pns.Signer
	sign   *loadSigner
	pool   *xPool
	ifaces map[string]pns.Interface // operation → interface
	tls    *tls.Config
	// lifetime is the expiry every bind of the mode carries (0: none): a binding cleanup
	// cannot remove still goes away by itself.
	lifetime time.Duration
	// journal records the mode's binds before they are sent (nil: no output directory).
	journal *journal

	clientOnce sync.Once
	pnsClient  *pns.Client
	// credsOK is set at the first answer that does not refuse the mode's credentials.
	credsOK atomic.Bool
	// appKeyParam is "app_key=<key>" for a mode whose every request names its app in the URL
	// (AXYB, reference §6.2), "" otherwise.
	appKeyParam string
}

// flowRun is a flow of the workload being run.
type flowRun struct {
	idx    int
	name   string
	spec   *Flow
	m      *modeRun
	plan   Plan // this shard's
	steps  []stepRun
	unbind int // index of the unbind step, -1 without
	pool   []*bindState
	attack string

	arrivals  atomic.Int64 // sessions started
	completed atomic.Int64 // sessions that ran every step
	ended     atomic.Int64 // sessions that stopped early (a bind refused, the run stopped)
	sent      []atomic.Int64
	success   []atomic.Int64
}

// stepRun is a step of a running flow.
type stepRun struct {
	op    *operation
	name  string
	m     *modeRun
	iface string
	think time.Duration
	// causes forces the hang-up causes of a call step's calls (Step.Causes); nil: none.
	causes *causePicker
}

// session is one arrival of a flow, working through its steps on one binding.
type session struct {
	flow *flowRun
	b    *bindState
	// call is the sessionId of the session's live call, for a stop step; "" when none.
	call string
	// calls counts the session's call requests, to find the call step of the next (callStep).
	calls int
	// start is when the session's first step was dispatched (Second.ActiveSessions).
	start time.Time
}

// newSession starts session n of flow f: the next pool binding, or a fresh number pair and X
// for a flow that binds. It returns nil when the number space is exhausted.
func (r *runner) newSession(f *flowRun, n uint64) *session {
	if len(f.pool) > 0 {
		return &session{flow: f, b: f.pool[n%uint64(len(f.pool))]}
	}
	id := r.nextID.Add(1) - 1
	if id >= r.aNums.count || id >= r.bNums.count {
		return nil
	}
	b := &bindState{m: f.m, id: id, a: r.aNums.number(id), b: r.bNums.number(id)}
	b.xi, b.x, b.ext = f.m.pool.acquire()
	return &session{flow: f, b: b}
}

// arrive starts the sessions of a flow at its plan's instants until the plan ends or the load
// is stopped. Like vegeta's pacer it fires at once when behind; it gives up arrivalGrace
// after the plan's end.
func (r *runner) arrive(f *flowRun) {
	end := r.start.Add(f.plan.Total() + arrivalGrace)
	t := time.NewTimer(time.Hour)
	defer t.Stop()
	for n := uint64(0); ; n++ {
		at, ok := f.plan.Intended(n)
		if !ok {
			return
		}
		intended := r.start.Add(at)
		if wait := time.Until(intended); wait > 0 {
			t.Reset(wait)
			select {
			case <-t.C:
			case <-r.stopArrivals:
				return
			}
		}
		select {
		case <-r.stopArrivals:
			return
		default:
		}
		if time.Now().After(end) {
			return
		}
		s := r.newSession(f, n)
		if s == nil {
			r.warnOnce(errNumberSpace.Error() + ": the profile's numbers ranges are too small for the plan")
			return
		}
		r.active.Add(1)
		s.start = time.Now()
		if !r.gen.dispatch(job{s: s, intended: intended, primary: true, seq: n}) {
			r.sessionEnded(s, false)
			return
		}
		r.fired.Add(1)
		f.arrivals.Add(1)
	}
}

// handle checks one answer (on a checker goroutine), records it and moves its session on.
func (r *runner) handle(h *hit) {
	if h.status != 0 {
		if r.downErrs.Load() != 0 {
			r.downErrs.Store(0)
		}
		r.lastAnswer.Store(h.start.Add(h.latency).UnixNano())
	} else {
		r.downErrs.Add(1)
		e := h.err // not &h.err: the hit is recycled once handled
		r.lastDownErr.Store(&e)
	}
	s := h.s
	f := s.flow
	st := &f.steps[h.step]
	// The answer and the observation live in the hit: as locals they escaped (their addresses
	// go to st.op.Answer and r.observe), two heap objects per request.
	a, o := &h.ans, &h.obs
	if st.op.Check != nil {
		*a, *o = st.op.Check(r, h)
	} else {
		*a, *o = r.check(st.iface, h)
	}
	o.primary, o.drained = h.primary, h.drained
	o.unsent = h.unsent
	o.corrected = max(h.start.Add(h.latency).Sub(h.intended), h.latency)
	o.lag, o.blocked = h.lag(), h.blocked()
	r.watchCredentials(st.m, o.code, a.desc)
	goOn := true
	if st.op.Answer != nil {
		goOn = st.op.Answer(r, s, a, o)
	}
	f.sent[h.step].Add(1)
	if o.success {
		f.success[h.step].Add(1)
	}
	r.observe(o)
	r.advance(s, h.step, goOn, h.start.Add(h.latency))
}

// advance schedules the session's next step after its think time, or ends the session. Once
// the load is stopping, a session with a live binding goes straight to its unbind, after the
// stop of a live call it holds.
func (r *runner) advance(s *session, step int, goOn bool, answered time.Time) {
	f := s.flow
	next := step + 1
	if next >= len(f.steps) {
		r.sessionEnded(s, true) // every step was sent, whatever the last answer
		return
	}
	if !goOn {
		r.sessionEnded(s, false)
		return
	}
	if r.stopping.Load() && !(f.steps[next].op.Releases && s.call != "") {
		if f.unbind < 0 || s.b.sub == "" {
			r.sessionEnded(s, false)
			return
		}
		next = f.unbind
	}
	if !r.queue.push(&pending{due: answered.Add(f.steps[next].think), s: s, step: next}) {
		// The queue was stopped: the binding is cleanup's.
		if f.unbind >= 0 && s.b.sub != "" {
			r.leftover(s.b)
		}
		r.sessionEnded(s, false)
	}
}

// sessionEnded counts a session out; the load is over when the arrivals are done and no
// session is active.
func (r *runner) sessionEnded(s *session, completed bool) {
	r.agg.observeSession(s.start, time.Now())
	if completed {
		s.flow.completed.Add(1)
	} else {
		s.flow.ended.Add(1)
	}
	if r.active.Add(-1) == 0 && r.arrivalsDone.Load() {
		r.idleOnce.Do(func() { close(r.idle) })
	}
}

// dispatchPending sends a queued step; once the load is stopping, a step other than the
// unbind of a live binding is skipped to it or dropped.
func (r *runner) dispatchPending(p *pending) bool {
	now := time.Now()
	intended := p.due
	drained := intended.After(now)
	if drained {
		intended = now // drained early: due now
	}
	if !r.gen.dispatch(job{s: p.s, step: p.step, intended: intended, drained: drained}) {
		if p.s.flow.unbind >= 0 && p.s.b.sub != "" {
			r.leftover(p.s.b)
		}
		r.sessionEnded(p.s, false)
		return false
	}
	return true
}

// pending is a step waiting for its due time.
type pending struct {
	due  time.Time
	s    *session
	step int
}

type pendingHeap []*pending

func (h pendingHeap) Len() int           { return len(h) }
func (h pendingHeap) Less(i, j int) bool { return h[i].due.Before(h[j].due) }
func (h pendingHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *pendingHeap) Push(x any)        { *h = append(*h, x.(*pending)) }
func (h *pendingHeap) Pop() any {
	old := *h
	n := len(old)
	x := old[n-1]
	old[n-1] = nil
	*h = old[:n-1]
	return x
}

// stepQueue holds the steps after each session's first, until their due time (previous answer
// plus think time), and releases them in due order from one goroutine.
type stepQueue struct {
	mu      sync.Mutex
	h       pendingHeap
	done    bool // no more steps will be pushed
	drain   bool // everything is due now (the load is stopping)
	stopped bool
	notify  chan struct{}
	abort   chan struct{}
	once    sync.Once
}

func newStepQueue() *stepQueue {
	return &stepQueue{notify: make(chan struct{}, 1), abort: make(chan struct{})}
}

func (q *stepQueue) signal() {
	select {
	case q.notify <- struct{}{}:
	default:
	}
}

// push queues a step; false when the queue was stopped.
func (q *stepQueue) push(p *pending) bool {
	q.mu.Lock()
	if q.stopped {
		q.mu.Unlock()
		return false
	}
	heap.Push(&q.h, p)
	q.mu.Unlock()
	q.signal()
	return true
}

// finish ends run once the queue is empty.
func (q *stepQueue) finish() {
	q.mu.Lock()
	q.done = true
	q.mu.Unlock()
	q.signal()
}

// drainNow makes every queued step due immediately.
func (q *stepQueue) drainNow() {
	q.mu.Lock()
	q.drain = true
	q.mu.Unlock()
	q.signal()
}

// stop ends run at once and returns the steps never released.
func (q *stepQueue) stop() []*pending {
	q.mu.Lock()
	q.stopped = true
	out := []*pending(q.h)
	q.h = nil
	q.mu.Unlock()
	q.once.Do(func() { close(q.abort) })
	return out
}

// run releases the steps at their due time through dispatch until finished or stopped.
func (q *stepQueue) run(dispatch func(*pending) bool) {
	t := time.NewTimer(time.Hour)
	defer t.Stop()
	for {
		q.mu.Lock()
		if q.stopped {
			q.mu.Unlock()
			return
		}
		if len(q.h) > 0 {
			top := q.h[0]
			wait := time.Until(top.due)
			if q.drain || wait <= 0 {
				heap.Pop(&q.h)
				q.mu.Unlock()
				dispatch(top)
				continue
			}
			q.mu.Unlock()
			t.Reset(wait)
			select {
			case <-t.C:
			case <-q.notify:
				t.Stop()
			case <-q.abort:
				return
			}
			continue
		}
		if q.done {
			q.mu.Unlock()
			return
		}
		q.mu.Unlock()
		select {
		case <-q.notify:
		case <-q.abort:
			return
		}
	}
}

// sumPlans adds plans stage by stage over the union of their breakpoints: the workload's
// total arrival plan.
func sumPlans(ps []Plan) Plan {
	if len(ps) == 1 {
		return ps[0]
	}
	var cuts []time.Duration
	seen := map[time.Duration]bool{0: true}
	for _, p := range ps {
		var t time.Duration
		for _, s := range p {
			t += s.Duration
			if !seen[t] {
				seen[t] = true
				cuts = append(cuts, t)
			}
		}
	}
	sortDurations(cuts)
	var out Plan
	var prev time.Duration
	linear := false
	for _, p := range ps {
		linear = linear || p.Shape() == RampLinear
	}
	for _, c := range cuts {
		// Between two cuts every plan is one stage, so the sum is a step or, with a linear
		// plan among them, a line from the sum at its start to the sum just before its end.
		from, rate := 0.0, 0.0
		for _, p := range ps {
			from += p.RateAt(prev)
			rate += p.rateBefore(c)
		}
		if linear {
			out = append(out, Stage{Duration: c - prev, Rate: rate, Linear: true, From: from})
		} else {
			out = append(out, Stage{Duration: c - prev, Rate: from})
		}
		prev = c
	}
	return out
}

func sortDurations(s []time.Duration) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}
