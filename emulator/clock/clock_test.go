package clock

import (
	"math"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeWall is a controllable wall clock so that tests never depend on real elapsed time.
type fakeWall struct {
	mu sync.Mutex
	t  time.Time
}

func (f *fakeWall) now() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.t }
func (f *fakeWall) add(d time.Duration) {
	f.mu.Lock()
	f.t = f.t.Add(d)
	f.mu.Unlock()
}

func TestScaleAndAdvance(t *testing.T) {
	w := &fakeWall{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	v := newVirtual(60, w.now)
	start := v.Now()
	w.add(time.Second)
	if got := v.Now().Sub(start); got != time.Minute {
		t.Fatalf("after 1s wall at scale 60: %v, want 1m", got)
	}
	v.Advance(time.Hour)
	if got := v.Now().Sub(start); got != time.Hour+time.Minute {
		t.Fatalf("after advance: %v", got)
	}
	v.SetScale(1)
	w.add(time.Second)
	if got := v.Now().Sub(start); got != time.Hour+time.Minute+time.Second {
		t.Fatalf("after rescale: %v", got)
	}
	v.Advance(-time.Hour)
	if got := v.Now().Sub(start); got != time.Hour+time.Minute+time.Second {
		t.Fatalf("negative advance moved the clock: %v", got)
	}
}

func TestTimersFireInOrderOnAdvance(t *testing.T) {
	w := &fakeWall{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	v := newVirtual(1, w.now)
	var mu sync.Mutex
	var order []int
	rec := func(i int) func() { return func() { mu.Lock(); order = append(order, i); mu.Unlock() } }
	v.AfterFunc(9*time.Minute, rec(3))
	v.AfterFunc(1*time.Minute, rec(1))
	v.AfterFunc(4*time.Minute, rec(2))
	stopped := v.AfterFunc(5*time.Minute, rec(99))
	if !stopped.Stop() || stopped.Stop() {
		t.Fatal("Stop should report true once")
	}
	v.Advance(5 * time.Minute)
	mu.Lock()
	if len(order) != 2 || order[0] != 1 || order[1] != 2 {
		t.Fatalf("order after 5m = %v, want [1 2]", order)
	}
	mu.Unlock()
	if v.Pending() != 1 {
		t.Fatalf("pending = %d, want 1", v.Pending())
	}
	v.Advance(time.Hour)
	mu.Lock()
	defer mu.Unlock()
	if len(order) != 3 || order[2] != 3 {
		t.Fatalf("order = %v", order)
	}
}

func TestTimerFiresOnScaledWallClock(t *testing.T) {
	// Real wall clock at a large scale: one virtual minute is 1 ms of wall time. The test
	// waits on a channel, not on a deadline assertion.
	v := NewVirtual(60000)
	var fired atomic.Bool
	done := make(chan struct{})
	v.AfterFunc(time.Minute, func() { fired.Store(true); close(done) })
	<-done
	if !fired.Load() {
		t.Fatal("timer did not fire")
	}
}

func TestConcurrentUse(t *testing.T) {
	v := NewVirtual(1)
	var wg sync.WaitGroup
	var n atomic.Int64
	var fired sync.WaitGroup
	fired.Add(800)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 100; j++ {
				v.AfterFunc(time.Duration(j)*time.Second, func() { n.Add(1); fired.Done() })
				_ = v.Now()
				if j%10 == 0 {
					v.Advance(time.Second)
				}
			}
		}()
	}
	wg.Wait()
	v.Advance(time.Hour)
	fired.Wait() // timers popped by the wall-clock goroutine may still be running
	if got := n.Load(); got != 800 {
		t.Fatalf("fired %d timers, want 800", got)
	}
}

func TestAtKeepsOrderOfSameInstant(t *testing.T) {
	// A wall clock that moves by an irregular amount on every reading, at a large scale: two
	// Now readings differ by varying amounts. At must not let that reorder timers due at the
	// same instant; AfterFunc(when.Sub(Now())) does, which the control run shows.
	run := func(schedule func(v *Virtual, when time.Time, f func())) []int {
		w := &fakeWall{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
		var n int64
		ticking := func() time.Time { n++; w.add(time.Duration(n*7%5+1) * time.Microsecond); return w.now() }
		v := newVirtual(1000, ticking)
		when := v.Now().Add(time.Hour)
		var got []int
		for i := 0; i < 100; i++ {
			schedule(v, when, func() { got = append(got, i) })
		}
		v.Advance(2 * time.Hour) // runs every due timer synchronously, in deadline order
		return got
	}
	inOrder := func(got []int) bool {
		for i, g := range got {
			if g != i {
				return false
			}
		}
		return len(got) == 100
	}
	if got := run(func(v *Virtual, when time.Time, f func()) { v.At(when, f) }); !inOrder(got) {
		t.Fatalf("At ran same-instant timers in order %v", got)
	}
	if got := run(func(v *Virtual, when time.Time, f func()) { v.AfterFunc(when.Sub(v.Now()), f) }); inOrder(got) {
		t.Fatal("control: relative scheduling kept the order, so this test cannot detect the bug")
	}
}

// A clock as good as stopped (the conformance suite sets a scale of 1e-6) waits for ever for a
// far deadline instead of overflowing into a negative wait that would fire at once.
func TestWallWait(t *testing.T) {
	for _, c := range []struct {
		virt  time.Duration
		scale float64
		want  time.Duration
	}{
		{2 * time.Second, 1, 2 * time.Second},
		{time.Minute, 60000, time.Millisecond},
		{2 * time.Second, 1e-6, 2e6 * time.Second},
		{365 * 24 * time.Hour, 1e-6, math.MaxInt64},
		{-time.Second, 1e-6, 0},
		{0, 1, 0},
	} {
		if got := wallWait(c.virt, c.scale); got != c.want {
			t.Errorf("wallWait(%s, %g) = %s, want %s", c.virt, c.scale, got, c.want)
		}
	}
}
