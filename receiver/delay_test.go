package receiver

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

// postEmitted posts a signed body with an EmittedHeader value.
func postEmitted(t *testing.T, h http.Handler, body []byte, emitted string) int {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/cb", bytes.NewReader(body))
	req.Header.Set("Content-Type", pns.ContentTypeJSON)
	if emitted != "" {
		req.Header.Set(EmittedHeader, emitted)
	}
	appAKSK.Sign(req.Header)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}

func rfc(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// TestEmittedDelays checks the emulator reference: exact microsecond delays from the header,
// one per fee record of a batch, the body's (virtual) timestamps ignored, negative delays
// counted as skew and never recorded, and a malformed header counted.
func TestEmittedDelays(t *testing.T) {
	clk := newFakeClock()
	r := New(Options{Apps: apps, Now: clk.Now})
	h := r.Handler()
	virtual := clk.Now().Add(48 * time.Hour) // an advanced emulator clock
	emitted := clk.Now()
	clk.Add(1234567 * time.Nanosecond)
	if got := postEmitted(t, h, event("S", "", "callin", virtual), rfc(emitted)); got != 200 {
		t.Fatalf("status %d", got)
	}
	// A batch of three records emitted 300, 200 and 100 ms before arrival.
	body := feeMessage(feeRecord("k", "i1", "S", "", virtual), feeRecord("k", "i2", "T", "", virtual), feeRecord("k", "i3", "U", "", virtual))
	now := clk.Now()
	hdr := rfc(now.Add(-300*time.Millisecond)) + "," + rfc(now.Add(-200*time.Millisecond)) + "," + rfc(now.Add(-100*time.Millisecond))
	postEmitted(t, h, body, hdr)
	postEmitted(t, h, event("V", "", "answer", virtual), rfc(now.Add(time.Second))) // emitted "after" arrival
	postEmitted(t, h, event("W", "", "answer", virtual), "yesterday")

	rep := r.Snapshot()
	l, ok := rep.LatencyFor(RefEmulator, "callin")
	if !ok || l.Count != 1 || l.MinMs != 1.234 {
		t.Errorf("callin delay = %+v, want exactly 1.234 ms", l)
	}
	l, ok = rep.LatencyFor(RefEmulator, "fee")
	if !ok || l.Count != 3 || l.MinMs < 99.9 || l.MinMs > 100.1 || l.MaxMs < 299.8 || l.MaxMs > 300.2 {
		t.Errorf("fee delays = %+v, want 100, 200, 300 ms", l)
	}
	if _, ok := rep.LatencyFor(RefPlatform, "callin"); ok || rep.PlatformClock != nil {
		t.Errorf("virtual timestamps measured: %+v", rep.Latency)
	}
	if l, ok := rep.LatencyFor(RefEmulator, "answer"); ok {
		t.Errorf("negative delay recorded: %+v", l)
	}
	if c := rep.Counters; c.ClockSkew != 1 || c.BadEmitted != 1 || c.LatencyClamped != 0 {
		t.Errorf("counters = %+v", c)
	}
	if tc := rep.ByType["answer"]; tc.ClockSkew != 1 || tc.Received != 2 {
		t.Errorf("answer counts = %+v", tc)
	}
	if tc := rep.ByType["fee"]; tc.Received != 3 {
		t.Errorf("fee counts = %+v", tc)
	}
	if l, _ := rep.LatencyFor(RefEmulator, "fee"); len(l.Series) != 1 || l.Series[0].Count != 3 || l.Series[0].MaxMs < 299 {
		t.Errorf("fee series = %+v", l.Series)
	}
}

// TestExpectedTypes checks expected versus received per type: a call expecting four events
// and a fee that got three of them is missing the fourth and the fee once due, or at Final.
func TestExpectedTypes(t *testing.T) {
	clk := newFakeClock()
	r := New(Options{Apps: apps, Now: clk.Now, ExpectDeadline: time.Minute})
	h := r.Handler()
	want := []string{pns.EventCallin, pns.EventCallout, pns.EventAlerting, pns.EventDisconnect}
	r.Expect(Expectation{SessionID: "A", Events: want})
	r.Expect(Expectation{SessionID: "B", Events: want})
	for _, e := range want {
		post(t, h, &appAKSK, event("A", "", e, clk.Now()))
	}
	post(t, h, &appAKSK, feeMessage(feeRecord("k", "ia", "A", "", clk.Now())))
	for _, e := range want[:3] {
		post(t, h, &appAKSK, event("B", "", e, clk.Now()))
	}
	rep := r.Snapshot()
	if s := rep.Sessions; s.Satisfied != 1 || s.Pending != 1 || s.Missing != 0 {
		t.Errorf("before the deadline: %+v", s)
	}
	fin := r.Final()
	if s := fin.Sessions; s.Satisfied != 1 || s.Missing != 1 || !fin.Final {
		t.Errorf("final: %+v", s)
	}
	for typ, w := range map[string]TypeCounts{
		pns.EventCallin:     {Expected: 2, Received: 2, OfExpected: 2},
		pns.EventDisconnect: {Expected: 2, Received: 1, OfExpected: 1, Missing: 1},
		"fee":               {Expected: 2, Received: 1, OfExpected: 1, Missing: 1},
	} {
		if got := fin.ByType[typ]; got != w {
			t.Errorf("%s: %+v, want %+v", typ, got, w)
		}
	}
	clk.Add(2 * time.Minute)
	if s := r.Snapshot().Sessions; s.Missing != 1 {
		t.Errorf("after the deadline: %+v", s)
	}
}

// TestOfExpectedScope: the records about expected calls are counted apart from the others,
// whether they arrive before or after their call's expectation; a call nobody expected (a
// conformance scenario's) and an X-number status push count in Received only.
func TestOfExpectedScope(t *testing.T) {
	clk := newFakeClock()
	r := New(Options{Apps: apps, Now: clk.Now, ExpectDeadline: time.Minute})
	h := r.Handler()
	r.Expect(Expectation{SessionID: "A", Events: []string{pns.EventCallin, pns.EventDisconnect}})
	post(t, h, &appAKSK, event("A", "", pns.EventCallin, clk.Now()))
	// B's pushes arrive before its expectation is registered (the platform was faster than
	// the harness's bookkeeping): they are B's all the same.
	post(t, h, &appAKSK, event("B", "", pns.EventCallin, clk.Now()))
	post(t, h, &appAKSK, feeMessage(feeRecord("k", "ib", "B", "", clk.Now())))
	r.Expect(Expectation{SessionID: "B", Events: []string{pns.EventCallin, pns.EventDisconnect}})
	post(t, h, &appAKSK, event("B", "", pns.EventDisconnect, clk.Now()))
	// C was never expected.
	post(t, h, &appAKSK, event("C", "", pns.EventCallin, clk.Now()))
	post(t, h, &appAKSK, feeMessage(feeRecord("k", "ic", "C", "", clk.Now())))
	fin := r.Final()
	if fin.Format < 3 {
		t.Errorf("format %d: a reader cannot tell that OfExpected was counted", fin.Format)
	}
	for typ, w := range map[string][2]int64{pns.EventCallin: {3, 2}, pns.EventDisconnect: {1, 1}, "fee": {2, 1}} {
		if got := fin.ByType[typ]; got.Received != w[0] || got.OfExpected != w[1] {
			t.Errorf("%s: received %d of which about expected calls %d, want %d and %d", typ, got.Received, got.OfExpected, w[0], w[1])
		}
	}
}

// TestForgetWindow checks the forgetting window: old sessions are judged into the counts and
// dropped (memory bounded), a re-push of a forgotten body counts as new, one inside the window
// still as a redelivery.
func TestForgetWindow(t *testing.T) {
	clk := newFakeClock()
	r := New(Options{Apps: apps, Now: clk.Now, Forget: time.Hour, ExpectDeadline: time.Minute})
	h := r.Handler()
	old := event("OLD", "", pns.EventCallin, clk.Now())
	r.Expect(Expectation{SessionID: "OLD"}) // never gets its disconnect: missing
	post(t, h, &appAKSK, old)
	post(t, h, &appAKSK, event("DUP", "", pns.EventCallin, clk.Now()))
	post(t, h, &appAKSK, event("DUP", "", pns.EventCallin, clk.Now().Add(time.Second))) // a duplicate event
	for _, e := range []string{pns.EventCallin, pns.EventCallout, pns.EventAlerting} {
		clk.Add(40 * time.Minute)
		post(t, h, &appAKSK, event("NEW", "", e, clk.Now())) // sweeps every quarter window
	}
	// At 120 min the window keeps what arrived after 60 min: NEW's session and its bodies of
	// 80 min (and 120 min, stored after the sweep).
	r.mu.Lock()
	sessions, seen := len(r.st.sessions), len(r.st.seen)
	r.mu.Unlock()
	if sessions != 1 || seen != 2 {
		t.Errorf("after the window: %d sessions, %d bodies remembered, want 1 and 2", sessions, seen)
	}
	post(t, h, &appAKSK, old) // forgotten: a new body, not a redelivery
	rep := r.Snapshot()
	c := rep.Counters
	if c.Redeliveries != 0 || c.Duplicates != 0 || c.Events != 7 {
		t.Errorf("counters %+v: want no redelivery nor duplicate (the repeated body was forgotten), 7 events", c)
	}
	s := rep.Sessions
	// Retired: OLD (missing) and DUP (duplicated); live: NEW and the re-created OLD.
	if s.Missing != 1 || s.Duplicated != 1 || s.Total != 4 {
		t.Errorf("sessions = %+v", s)
	}
	if len(rep.Failures) < 2 {
		t.Errorf("failures of retired sessions lost: %+v", rep.Failures)
	}
	if tc := rep.ByType[pns.EventDisconnect]; tc.Missing != 1 || tc.Expected != 1 {
		t.Errorf("disconnect counts = %+v", tc)
	}
}
