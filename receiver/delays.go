// Split from state.go (issue 23): measuring delays: references, histograms, series over time, clock spread.

package receiver

import (
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

// Latency references.
const (
	// RefPlatform measures arrival minus the platform's own timestamp in the body (1 s
	// resolution): meaningful against a real platform or an unscaled emulator.
	RefPlatform = "platform"
	// RefTrigger measures arrival minus the harness-side trigger time registered with Expect
	// or MarkTriggered (it includes the simulated call's own duration).
	RefTrigger = "trigger"
	// RefEmulator measures arrival minus the emission instant the emulator states in
	// EmittedHeader: exact to the microsecond, whatever the emulator's virtual clock does.
	RefEmulator = "emulator"
)

// durStats is a count, sum and extremes of durations.
type durStats struct {
	n             int64
	sum, min, max time.Duration
}

func (d *durStats) stats() *IntervalStats {
	return &IntervalStats{Count: d.n, Min: d.min, Max: d.max, Mean: d.sum / time.Duration(d.n)}
}

func (d *durStats) add(v time.Duration) {
	if d.n == 0 || v < d.min {
		d.min = v
	}
	if d.n == 0 || v > d.max {
		d.max = v
	}
	d.n++
	d.sum += v
}

// clockEstimate tracks the signed spread of arrival − platform timestamp.
type clockEstimate struct {
	n        int64
	min, max time.Duration
}

func (c *clockEstimate) add(d time.Duration) {
	if c.n == 0 || d < c.min {
		c.min = d
	}
	if c.n == 0 || d > c.max {
		c.max = d
	}
	c.n++
}

// record adds one delay. A negative delay is impossible (the sender's clock is ahead of the
// receiver's): it is counted as clock skew and never recorded, so that it cannot pass for a
// fast delivery.
func (st *state) record(ref, typ string, d time.Duration, arrived time.Duration) bool {
	if d < 0 {
		st.c.ClockSkew++
		st.typ(typ).ClockSkew++
		return false
	}
	m := st.lat[ref]
	h := m[typ]
	if h == nil {
		h = newHist()
		m[typ] = h
	}
	v := int64(d / time.Microsecond)
	if v > histMax {
		v = histMax
		st.c.LatencyClamped++
	}
	_ = h.RecordValue(v) // cannot fail within [0, histMax]
	sm := st.series[ref]
	se := sm[typ]
	if se == nil {
		se = &series{width: time.Second}
		sm[typ] = se
	}
	se.add(arrived, v)
	return true
}

// delay records the delay of one record: against the emulator's stated emission instant when
// the push carries one, else against the platform timestamp ts (1 s resolution). It returns
// the delay (DelayUnknown when none was measured or it was negative) and whether the record is
// late (Options.LateAfter).
func (st *state) delay(r *Receiver, typ, ts string, emitted []time.Time, i int, now time.Time, arrived time.Duration) (time.Duration, bool) {
	var d time.Duration
	ok := false
	switch {
	case emitted != nil:
		if i >= len(emitted) {
			st.c.BadEmitted++
			return DelayUnknown, false
		}
		d = now.Sub(emitted[i])
		ok = st.record(RefEmulator, typ, d, arrived)
	case ts == "":
		return DelayUnknown, false
	default:
		t, err := pns.ParseUTC(ts)
		if err != nil {
			// SMS notifications stamp ISO 8601 UTC with milliseconds (§10.2 examples).
			if t, err = time.Parse(time.RFC3339Nano, ts); err != nil {
				st.c.BadTimestamps++
				return DelayUnknown, false
			}
		}
		d = now.Sub(t)
		st.platform.add(d)
		ok = st.record(RefPlatform, typ, d, arrived)
	}
	if !ok {
		return DelayUnknown, false
	}
	if r.opts.LateAfter > 0 && d > r.opts.LateAfter {
		st.c.Late++
		st.typ(typ).Late++
		return d, true
	}
	return d, false
}

// series is a delay-over-time sequence for one reference and type: buckets of width (starting
// at 1 s) over the arrival scale, coarsened by doubling the width when they would exceed
// maxSeriesPoints, so that a multi-hour soak keeps a bounded chart.
type series struct {
	width time.Duration
	pts   []seriesPoint
}

type seriesPoint struct {
	count      int64
	sumUs, max int64
}

const maxSeriesPoints = 600

func (s *series) add(at time.Duration, us int64) {
	i := int(at / s.width)
	for i >= maxSeriesPoints {
		merged := make([]seriesPoint, (len(s.pts)+1)/2)
		for j, p := range s.pts {
			m := &merged[j/2]
			m.count += p.count
			m.sumUs += p.sumUs
			m.max = max(m.max, p.max)
		}
		s.pts = merged
		s.width *= 2
		i = int(at / s.width)
	}
	for len(s.pts) <= i {
		s.pts = append(s.pts, seriesPoint{})
	}
	p := &s.pts[i]
	p.count++
	p.sumUs += us
	p.max = max(p.max, us)
}
