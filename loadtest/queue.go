package loadtest

import (
	"container/heap"
	"sync"
	"time"
)

// binding is a live binding made by the load, waiting for its unbind.
type binding struct {
	due  time.Time
	sub  string
	info *bindInfo
}

type bindingHeap []*binding

func (h bindingHeap) Len() int           { return len(h) }
func (h bindingHeap) Less(i, j int) bool { return h[i].due.Before(h[j].due) }
func (h bindingHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *bindingHeap) Push(x any)        { *h = append(*h, x.(*binding)) }
func (h *bindingHeap) Pop() any {
	old := *h
	n := len(old)
	x := old[n-1]
	old[n-1] = nil
	*h = old[:n-1]
	return x
}

// unbindQueue schedules the unbind of every binding at its due time (bind answer + hold). It
// is the vegeta Pacer of the unbind attack: Pace blocks until the earliest binding is due,
// moves it to the ready channel and fires; the unbind Targeter takes it from there. So there
// is exactly one unbind hit per binding, the unbind rate follows the bind rate shifted by the
// hold, and the intended send time of each unbind is known (its due time).
type unbindQueue struct {
	mu     sync.Mutex
	h      bindingHeap
	done   bool // no more bindings will be pushed
	drain  bool // unbind everything now (run cancelled or aborted)
	notify chan struct{}
	ready  chan *binding
	abort  chan struct{}
	once   sync.Once
	rate   func(time.Duration) float64
}

func newUnbindQueue(rate func(time.Duration) float64) *unbindQueue {
	return &unbindQueue{
		notify: make(chan struct{}, 1),
		ready:  make(chan *binding, 1<<14),
		abort:  make(chan struct{}),
		rate:   rate,
	}
}

func (q *unbindQueue) signal() {
	select {
	case q.notify <- struct{}{}:
	default:
	}
}

func (q *unbindQueue) push(b *binding) {
	q.mu.Lock()
	heap.Push(&q.h, b)
	q.mu.Unlock()
	q.signal()
}

// finish says that no binding will be pushed any more: the attack ends once the queue is empty.
func (q *unbindQueue) finish() {
	q.mu.Lock()
	q.done = true
	q.mu.Unlock()
	q.signal()
}

// drainNow makes every queued binding due immediately.
func (q *unbindQueue) drainNow() {
	q.mu.Lock()
	q.drain = true
	q.mu.Unlock()
	q.signal()
}

// stop ends the unbind attack at once; what is left is returned by remaining.
func (q *unbindQueue) stop() { q.once.Do(func() { close(q.abort) }) }

// remaining returns the bindings never handed to the unbind attack. Call it after the attack
// has ended.
func (q *unbindQueue) remaining() []*binding {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := []*binding(q.h)
	q.h = nil
	for {
		select {
		case b := <-q.ready:
			out = append(out, b)
		default:
			return out
		}
	}
}

// Pace implements vegeta.Pacer.
func (q *unbindQueue) Pace(_ time.Duration, _ uint64) (time.Duration, bool) {
	for {
		q.mu.Lock()
		if len(q.h) > 0 {
			top := q.h[0]
			wait := time.Until(top.due)
			if q.drain || wait <= 0 {
				heap.Pop(&q.h)
				q.mu.Unlock()
				select {
				case q.ready <- top:
					return 0, false
				case <-q.abort:
					q.mu.Lock()
					heap.Push(&q.h, top)
					q.mu.Unlock()
					return 0, true
				}
			}
			q.mu.Unlock()
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-q.notify:
				t.Stop()
			case <-q.abort:
				t.Stop()
				return 0, true
			}
			continue
		}
		if q.done {
			q.mu.Unlock()
			return 0, true
		}
		q.mu.Unlock()
		select {
		case <-q.notify:
		case <-q.abort:
			return 0, true
		}
	}
}

// Rate implements vegeta.Pacer: the nominal unbind rate, the bind plan's shifted by the hold.
func (q *unbindQueue) Rate(elapsed time.Duration) float64 {
	if q.rate == nil {
		return 0
	}
	return q.rate(elapsed)
}

// inflightShards is the number of locks of an inflightMap: enough that the targeters and the
// result handlers of both attacks rarely wait on one another.
const inflightShards = 64

// inflightMap holds what each request in flight carried, keyed by its correlation ID, from
// the targeter to the result handler. Unlike a sync.Map it neither boxes the keys nor
// allocates a node per entry.
type inflightMap struct {
	shards [inflightShards]struct {
		mu sync.Mutex
		m  map[uint64]any
		_  [48]byte // one 64-byte cache line per shard
	}
}

// Store records v under id.
func (m *inflightMap) Store(id uint64, v any) {
	s := &m.shards[id%inflightShards]
	s.mu.Lock()
	if s.m == nil {
		s.m = map[uint64]any{}
	}
	s.m[id] = v
	s.mu.Unlock()
}

// LoadAndDelete removes and returns the value under id.
func (m *inflightMap) LoadAndDelete(id uint64) (any, bool) {
	s := &m.shards[id%inflightShards]
	s.mu.Lock()
	v, ok := s.m[id]
	if ok {
		delete(s.m, id)
	}
	s.mu.Unlock()
	return v, ok
}
