// Package clock is the emulator's virtual clock (reference D76): real time by default, a scale
// factor to run faster than real time, and explicit advances for tests. Every time rule of the
// emulator (binding expiry, temporary callees, callback re-push schedule, fee batching,
// recording retention, lockout windows) reads this clock; authentication skew and callback
// timeouts use the wall clock.
package clock

import (
	"container/heap"
	"math"
	"sync"
	"time"
)

// Clock tells the time. The emulator depends on this interface so tests can substitute a
// Virtual clock.
type Clock interface {
	Now() time.Time
}

// Wall is the real clock.
type Wall struct{}

// Now returns time.Now().
func (Wall) Now() time.Time { return time.Now() }

// Virtual is a scaled, advanceable clock with timers. Virtual time = anchor + (wall elapsed
// since anchor) × scale + advances. It is safe for concurrent use.
type Virtual struct {
	mu         sync.Mutex
	wallAnchor time.Time
	virtAnchor time.Time
	scale      float64
	wall       func() time.Time
	timers     timerHeap
	seq        uint64
	wake       *time.Timer
}

// NewVirtual returns a clock that starts at the current wall time and runs scale times faster
// than real time. A scale ≤ 0 means 1.
func NewVirtual(scale float64) *Virtual {
	return newVirtual(scale, time.Now)
}

func newVirtual(scale float64, wall func() time.Time) *Virtual {
	if scale <= 0 {
		scale = 1
	}
	now := wall()
	return &Virtual{wallAnchor: now, virtAnchor: now, scale: scale, wall: wall}
}

func (v *Virtual) nowLocked() time.Time {
	el := v.wall().Sub(v.wallAnchor)
	return v.virtAnchor.Add(time.Duration(float64(el) * v.scale))
}

// Now returns the virtual time.
func (v *Virtual) Now() time.Time {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.nowLocked()
}

// Scale returns the current scale factor.
func (v *Virtual) Scale() float64 {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.scale
}

// SetScale changes the speed from now on without a jump in virtual time.
func (v *Virtual) SetScale(scale float64) {
	if scale <= 0 {
		scale = 1
	}
	v.mu.Lock()
	v.virtAnchor = v.nowLocked()
	v.wallAnchor = v.wall()
	v.scale = scale
	v.rearmLocked()
	v.mu.Unlock()
}

// Offset returns virtual time minus wall time.
func (v *Virtual) Offset() time.Duration {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.nowLocked().Sub(v.wall())
}

// Advance moves virtual time forward by d (negative values are ignored) and runs every timer
// that became due, in deadline order, before returning.
func (v *Virtual) Advance(d time.Duration) {
	if d < 0 {
		d = 0
	}
	v.mu.Lock()
	v.virtAnchor = v.nowLocked().Add(d)
	v.wallAnchor = v.wall()
	due := v.popDueLocked()
	v.rearmLocked()
	v.mu.Unlock()
	for _, t := range due {
		t.f()
	}
}

// Timer is a pending function call on the virtual clock.
type Timer struct {
	v        *Virtual
	deadline time.Time
	seq      uint64
	f        func()
	index    int // heap index, -1 when not scheduled
}

// Stop cancels the timer; it reports whether the timer was still pending.
func (t *Timer) Stop() bool {
	t.v.mu.Lock()
	defer t.v.mu.Unlock()
	if t.index < 0 {
		return false
	}
	heap.Remove(&t.v.timers, t.index)
	t.v.rearmLocked()
	return true
}

// AfterFunc runs f once virtual time reaches now+d, either on a wall-clock timer goroutine or
// inside the Advance call that passes the deadline. f must not block for long; it may schedule
// new timers. d ≤ 0 runs f as soon as possible.
func (v *Virtual) AfterFunc(d time.Duration, f func()) *Timer {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.scheduleLocked(v.nowLocked().Add(d), f)
}

// At schedules f at an absolute virtual time. Unlike AfterFunc(when.Sub(Now())), the deadline
// is exactly when, so timers scheduled for the same instant run in the order they were
// scheduled (two separate Now readings would differ by the clock's progress in between).
func (v *Virtual) At(when time.Time, f func()) *Timer {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.scheduleLocked(when, f)
}

// scheduleLocked adds a timer for an absolute deadline; ties run in scheduling order.
func (v *Virtual) scheduleLocked(deadline time.Time, f func()) *Timer {
	v.seq++
	t := &Timer{v: v, deadline: deadline, seq: v.seq, f: f}
	heap.Push(&v.timers, t)
	v.rearmLocked()
	return t
}

// Pending returns the number of scheduled timers.
func (v *Virtual) Pending() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return len(v.timers)
}

func (v *Virtual) popDueLocked() []*Timer {
	now := v.nowLocked()
	var due []*Timer
	for len(v.timers) > 0 && !v.timers[0].deadline.After(now) {
		due = append(due, heap.Pop(&v.timers).(*Timer))
	}
	return due
}

// rearmLocked sets the wall-clock timer for the earliest virtual deadline.
func (v *Virtual) rearmLocked() {
	if v.wake != nil {
		v.wake.Stop()
		v.wake = nil
	}
	if len(v.timers) == 0 {
		return
	}
	virtWait := v.timers[0].deadline.Sub(v.nowLocked())
	v.wake = time.AfterFunc(wallWait(virtWait, v.scale), v.fire)
}

// wallWait is the wall time until a virtual wait of virt elapses at scale. At a tiny scale
// (a clock as good as stopped) the quotient overflows a Duration, a conversion Go leaves
// undefined (on amd64 a negative value, which would fire at once and re-arm forever); waiting
// the longest representable time is the same as waiting for ever.
func wallWait(virt time.Duration, scale float64) time.Duration {
	w := float64(virt) / scale
	switch {
	case w <= 0:
		return 0
	case w >= math.MaxInt64:
		return math.MaxInt64
	}
	return time.Duration(w)
}

func (v *Virtual) fire() {
	v.mu.Lock()
	due := v.popDueLocked()
	v.rearmLocked()
	v.mu.Unlock()
	for _, t := range due {
		t.f()
	}
}

type timerHeap []*Timer

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	if h[i].deadline.Equal(h[j].deadline) {
		return h[i].seq < h[j].seq
	}
	return h[i].deadline.Before(h[j].deadline)
}
func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}
func (h *timerHeap) Push(x any) {
	t := x.(*Timer)
	t.index = len(*h)
	*h = append(*h, t)
}
func (h *timerHeap) Pop() any {
	old := *h
	n := len(old)
	t := old[n-1]
	old[n-1] = nil
	t.index = -1
	*h = old[:n-1]
	return t
}
