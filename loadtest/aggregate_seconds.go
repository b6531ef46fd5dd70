// Split from aggregate.go (issue 23): the per-second buckets and their compaction.

package loadtest

import (
	"math"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

// secAgg is one second of the series. Its histograms are dense while the second is recent
// and encoded (a few hundred bytes) once it is old, so that a long run's series costs little
// memory; a late result for an old second inflates it again.
type secAgg struct {
	target    float64
	sent      int64
	requests  int64
	success   int64
	conf      int64
	callbacks int64
	service   *hdr.Histogram
	corrected *hdr.Histogram
	svcEnc    string
	corEnc    string
	// busy is the service time, in nanoseconds, that requests spent in flight within the
	// second (Second.InFlight).
	busy int64
	// sessionTime is the time, in nanoseconds, that sessions spent in progress within the
	// second (Second.ActiveSessions).
	sessionTime int64
	// ifaces are the second's requests by interface, with their corrected histograms (dense
	// or encoded like the second's own).
	ifaces map[string]*secIface
}

// secIface is one interface's part of a second.
type secIface struct {
	requests int64
	hist     *hdr.Histogram
	enc      string
}

// iface returns the second's part of interface id, dense.
func (s *secAgg) iface(id string) *secIface {
	if s.ifaces == nil {
		s.ifaces = map[string]*secIface{}
	}
	x := s.ifaces[id]
	if x == nil {
		x = &secIface{}
		s.ifaces[id] = x
	}
	if x.hist == nil {
		x.hist = newSecHist()
		if h, err := decodeHist(x.enc); err == nil && h != nil {
			x.hist = h
		}
		x.enc = ""
	}
	return x
}

// view returns the interface's histogram without changing its state (nil when empty).
func (x *secIface) view() (*hdr.Histogram, error) {
	if x.hist != nil {
		return x.hist, nil
	}
	return decodeHist(x.enc)
}

// inflate makes the histograms dense (decoding the encoded form, or new).
func (s *secAgg) inflate() {
	if s.service != nil {
		return
	}
	s.service, s.corrected = newSecHist(), newSecHist()
	if h, err := decodeHist(s.svcEnc); err == nil && h != nil {
		s.service = h
	}
	if h, err := decodeHist(s.corEnc); err == nil && h != nil {
		s.corrected = h
	}
	s.svcEnc, s.corEnc = "", ""
}

// compact encodes the dense histograms and drops them.
func (s *secAgg) compact() error {
	if s.service == nil {
		return nil
	}
	svc, err := encodeHist(s.service)
	if err != nil {
		return err
	}
	cor, err := encodeHist(s.corrected)
	if err != nil {
		return err
	}
	s.svcEnc, s.corEnc, s.service, s.corrected = svc, cor, nil, nil
	for _, x := range s.ifaces {
		if x.hist == nil {
			continue
		}
		enc, err := encodeHist(x.hist)
		if err != nil {
			return err
		}
		x.enc, x.hist = enc, nil
	}
	return nil
}

// view returns the histograms without changing the second's state (decoding when encoded).
func (s *secAgg) view() (svc, cor *hdr.Histogram, err error) {
	if s.service != nil {
		return s.service, s.corrected, nil
	}
	if svc, err = decodeHist(s.svcEnc); err != nil {
		return nil, nil, err
	}
	cor, err = decodeHist(s.corEnc)
	return svc, cor, err
}

// encoded returns the encoded histograms.
func (s *secAgg) encoded() (svc, cor string, err error) {
	if s.service == nil {
		return s.svcEnc, s.corEnc, nil
	}
	if svc, err = encodeHist(s.service); err != nil {
		return "", "", err
	}
	cor, err = encodeHist(s.corrected)
	return svc, cor, err
}

// compactBefore encodes the histograms of every second before t.
func (a *aggregate) compactBefore(t int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for ts, s := range a.secs {
		if ts < t {
			_ = s.compact() // encoding a valid histogram does not fail
		}
	}
}

// second is the key of t's one-second bucket: whole seconds counted from the run's start
// (the schedule's origin), stored as started.Unix()+n so that Second.T stays a Unix time and
// shards sharing a start instant merge bucket by bucket. Buckets cut at wall-clock second
// boundaries split the plan's first and last seconds into partial ones: a 100/s run started at
// .08 s past a second showed 92/s in its first point and six points for a 5 s plan.
func (a *aggregate) second(t time.Time) int64 {
	if a.started.IsZero() {
		return t.Unix()
	}
	return a.started.Unix() + int64(math.Floor(t.Sub(a.started).Seconds()))
}

// spread hands add the nanoseconds of [start, start+d) that fall in each second's bucket.
// The caller holds a.mu.
func (a *aggregate) spread(start time.Time, d time.Duration, add func(s *secAgg, n int64)) {
	end := start.Add(d)
	for t := start; t.Before(end); {
		k := a.second(t)
		next := a.secondStart(k + 1)
		if !next.After(t) { // a clock jump: never loop
			break
		}
		stop := next
		if end.Before(stop) {
			stop = end
		}
		add(a.sec(k), int64(stop.Sub(t)))
		t = stop
	}
}

// secondStart is the instant the bucket with key k (see second) begins.
func (a *aggregate) secondStart(k int64) time.Time {
	if a.started.IsZero() {
		return time.Unix(k, 0)
	}
	return a.started.Add(time.Duration(k-a.started.Unix()) * time.Second)
}

func (a *aggregate) sec(t int64) *secAgg {
	s := a.secs[t]
	if s == nil {
		s = &secAgg{}
		a.secs[t] = s
	}
	return s
}
