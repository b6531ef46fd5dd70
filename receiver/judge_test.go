package receiver

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

// answeredFee is a fee record whose call was answered (fwdAnswerTime set, §8).
func answeredFee(icid, session string, end time.Time) []byte {
	return bytes.Replace(feeRecord("k", icid, session, "", end), []byte(`"fwdUnaswRsn"`),
		[]byte(`"fwdAnswerTime":"`+end.Add(-10*time.Second).UTC().Format("2006-01-02 15:04:05")+`","fwdUnaswRsn"`), 1)
}

// TestInferredSequences judges calls from their own pushes (no expectation) against §7.4
// once they settled: each missing notification in its type's row, orphans, events stamped
// after the disconnect; valid sequences of every scenario family give nothing.
func TestInferredSequences(t *testing.T) {
	full := []string{"callin", "callout", "alerting", "answer", "disconnect"}
	for _, tc := range []struct {
		name     string
		events   []string
		fee      string // "", "plain", "answered"
		opts     Options
		late     []string // events stamped after the disconnect
		missing  string   // types, comma-separated, in §7.4 order then fee
		problems string
	}{
		{name: "B1 complete", events: full, fee: "answered"},
		{name: "B3 no answer", events: []string{"callin", "callout", "alerting", "disconnect"}, fee: "plain"},
		{name: "B4 busy", events: []string{"callin", "callout", "disconnect"}, fee: "plain"},
		{name: "B7 no binding", events: []string{"callin", "disconnect"}, fee: "plain"},
		{name: "E1 extension", events: []string{"callin", "collectInfo", "callout", "alerting", "answer", "disconnect"}, fee: "answered"},
		{name: "E2 unknown extension", events: []string{"callin", "collectInfo", "disconnect"}, fee: "plain"},
		{name: "no callin", events: full[1:], fee: "answered", missing: "callin", problems: "missing callin"},
		{name: "no answer though the fee says answered", events: []string{"callin", "callout", "alerting", "disconnect"}, fee: "answered",
			missing: "answer", problems: "missing answer"},
		{name: "answer without alerting", events: []string{"callin", "callout", "answer", "disconnect"}, fee: "answered",
			missing: "alerting", problems: "missing alerting"},
		{name: "no disconnect", events: full[:4], fee: "answered", missing: "disconnect", problems: "missing disconnect"},
		{name: "no fee for a finished call", events: full, missing: "fee", problems: "missing fee"},
		{name: "no fee URL configured", events: full, opts: Options{NoFee: true}},
		{name: "in progress, no fee yet", events: full[:2], missing: "disconnect", problems: "missing disconnect"},
		{name: "orphan fee", fee: "plain", problems: "orphan-fee"},
		{name: "fee only, no call-status URL", fee: "plain", opts: Options{NoEvents: true}},
		{name: "event after disconnect", events: full, fee: "answered", late: []string{"alerting"}, problems: "event-after-disconnect"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk := newFakeClock()
			o := tc.opts
			o.Apps, o.Now, o.Settle = apps, clk.Now, time.Minute
			r := New(o)
			base := time.Now().Add(-time.Hour)
			for _, typ := range tc.events {
				ts := base.Add(time.Duration(eventRank[typ]) * time.Second)
				for _, l := range tc.late {
					if l == typ {
						ts = base.Add(time.Minute)
					}
				}
				post(t, r.Handler(), &appAKSK, event("S", "", typ, ts))
			}
			switch tc.fee {
			case "plain":
				post(t, r.Handler(), &appAKSK, feeMessage(feeRecord("k", "i1", "S", "", base.Add(10*time.Second))))
			case "answered":
				post(t, r.Handler(), &appAKSK, feeMessage(answeredFee("i1", "S", base.Add(10*time.Second))))
			}
			if rep := r.Snapshot(); rep.Sessions.Unsettled != 1 || len(rep.Failures) != 0 && tc.late == nil {
				t.Errorf("before the settle time: sessions %+v, failures %+v", rep.Sessions, rep.Failures)
			}
			clk.Add(time.Minute)
			rep := r.Final()
			var missing []string
			for _, typ := range []string{"callin", "collectInfo", "callout", "alerting", "answer", "disconnect", "fee"} {
				for i := int64(0); i < rep.ByType[typ].Missing; i++ {
					missing = append(missing, typ)
				}
			}
			if got := strings.Join(missing, ","); got != tc.missing {
				t.Errorf("missing = %q, want %q", got, tc.missing)
			}
			var problems []string
			for _, f := range rep.Failures {
				problems = append(problems, f.Problems...)
			}
			if got := strings.Join(problems, ","); got != tc.problems {
				t.Errorf("problems = %q, want %q", got, tc.problems)
			}
			s := rep.Sessions
			wantOrphan, wantAfter := int64(0), int64(0)
			if strings.Contains(tc.problems, "orphan") {
				wantOrphan = 1
			}
			if tc.late != nil {
				wantAfter = 1
			}
			if s.Judged != 1 || s.Unsettled != 0 || s.Orphan != wantOrphan || s.AfterDisconnect != wantAfter {
				t.Errorf("sessions = %+v", s)
			}
		})
	}
}

// TestInvalidAndDuplicates: every invalid signed body counts once in Invalid, never as a
// delay row; a duplicate counts once in its type's row, never as a delay, out of order or
// late.
func TestInvalidAndDuplicates(t *testing.T) {
	r := New(Options{Apps: apps, LateAfter: time.Second, Validate: schemaValidator(t)})
	h := r.Handler()
	old := time.Now().Add(-time.Minute) // every delay is late
	for _, b := range []string{`not json`, `{"eventType":"callin","statusInfo":{"sessionId":42}}`, `{"hello":1}`,
		string(event("S", "", "transfer", old))} {
		if got := post(t, h, &appAKSK, []byte(b)); got != 200 {
			t.Errorf("%s: status %d", b, got)
		}
	}
	disc := event("S", "", "disconnect", old)
	post(t, h, &appAKSK, event("S", "", "callin", old))
	post(t, h, &appAKSK, disc)
	post(t, h, &appAKSK, disc)                                                                      // the same body again after its 200
	post(t, h, &appAKSK, []byte(strings.Replace(string(disc), `{"eventType"`, `{ "eventType"`, 1))) // re-serialised
	post(t, h, &appAKSK, event("S", "", "callin", old.Add(-time.Second)))                           // another callin body
	fee := feeRecord("k", "i1", "S", "", old)
	post(t, h, &appAKSK, feeMessage(fee))
	post(t, h, &appAKSK, feeMessage(fee, feeRecord("k", "i2", "T", "", old))) // i1 again in another batch
	rep := r.Snapshot()
	c := rep.Counters
	if c.Invalid != 4 {
		t.Errorf("invalid = %d, want 4 (%+v)", c.Invalid, rep.Violations)
	}
	if _, ok := rep.ByType["transfer"]; ok {
		t.Errorf("an unknown event type has its own row: %+v", rep.ByType)
	}
	for _, l := range rep.Latency {
		if l.Type == "transfer" {
			t.Errorf("an unknown event type has a delay: %+v", l)
		}
	}
	for typ, want := range map[string]TypeCounts{
		"callin":     {Received: 1, TypeAnomalies: pns.TypeAnomalies{Duplicate: 1, Late: 1}},
		"disconnect": {Received: 1, TypeAnomalies: pns.TypeAnomalies{Duplicate: 2, Late: 1}},
		"fee":        {Received: 2, TypeAnomalies: pns.TypeAnomalies{Duplicate: 1, Late: 2}},
	} {
		if got := rep.ByType[typ]; got != want {
			t.Errorf("%s row = %+v, want %+v", typ, got, want)
		}
		if l, _ := rep.LatencyFor(RefPlatform, typ); l.Count != want.Received {
			t.Errorf("%s delays = %d, want one per distinct record (%d)", typ, l.Count, want.Received)
		}
	}
	if c.OutOfOrder != 0 || c.Late != 4 {
		t.Errorf("outOfOrder = %d, late = %d; want 0, 4", c.OutOfOrder, c.Late)
	}
}

// TestNonceReplay: a nonce accepted once is refused within the skew window.
func TestNonceReplay(t *testing.T) {
	r := New(Options{Apps: apps})
	req := httptest.NewRequest(http.MethodPost, "/cb", bytes.NewReader(event("S", "", "callin", time.Now())))
	appAKSK.Sign(req.Header)
	hdr := req.Header.Clone()
	rec := httptest.NewRecorder()
	r.Handler().ServeHTTP(rec, req)
	req2 := httptest.NewRequest(http.MethodPost, "/cb", bytes.NewReader(event("S", "", "disconnect", time.Now())))
	req2.Header = hdr
	rec2 := httptest.NewRecorder()
	r.Handler().ServeHTTP(rec2, req2)
	c := r.Snapshot().Counters
	if rec.Code != 200 || rec2.Code != 401 || c.NonceReplays != 1 || c.BadSignature != 1 || c.Events != 1 {
		t.Errorf("statuses %d, %d; counters %+v", rec.Code, rec2.Code, c)
	}
	if rep := r.Snapshot(); len(rep.BadSignatures) != 1 || rep.BadSignatures[0].Reason != "nonce replayed" {
		t.Errorf("bad signatures = %+v", rep.BadSignatures)
	}
}

// TestRefusedBounded: forged pushes are counted, but only MaxRefused of them remembered.
func TestRefusedBounded(t *testing.T) {
	r := New(Options{Apps: apps, MaxRefused: 10, MaxDetails: 5})
	forger := appAKSK
	forger.AppSecret = "guessed"
	for i := 0; i < 50; i++ {
		post(t, r.Handler(), &forger, event("S", "", "callin", time.Now().Add(time.Duration(i)*time.Second)))
	}
	rep := r.Snapshot()
	r.mu.Lock()
	seen := len(r.st.seen)
	r.mu.Unlock()
	if rep.Counters.BadSignature != 50 || rep.Counters.RefusedNotRecorded != 40 || seen != 10 || len(rep.BadSignatures) != 5 {
		t.Errorf("badSignature %d, not recorded %d, remembered %d, samples %d", rep.Counters.BadSignature,
			rep.Counters.RefusedNotRecorded, seen, len(rep.BadSignatures))
	}
}

// TestAcceptedDeliveryDelay: a refused first delivery re-pushed a minute later is timed at
// its accepted delivery, with its attempts and the measured re-push interval.
func TestAcceptedDeliveryDelay(t *testing.T) {
	clk := newFakeClock()
	r := New(Options{Apps: apps, Now: clk.Now, FailFirst: 1})
	emitted := rfc(clk.Now())
	body := event("S", "", "callin", clk.Now())
	clk.Add(100 * time.Millisecond)
	if got := postEmitted(t, r.Handler(), body, emitted); got != DefaultFailStatus {
		t.Fatalf("first delivery answered %d", got)
	}
	clk.Add(time.Minute)
	if got := postEmitted(t, r.Handler(), body, emitted); got != 200 {
		t.Fatalf("re-push answered %d", got)
	}
	rep := r.Snapshot()
	l, _ := rep.LatencyFor(RefEmulator, "callin")
	if l.Count != 1 || len(l.Series) != 1 || l.Series[0].MeanMs != 60100 {
		t.Errorf("delay = %+v, want exactly 60.1 s (the accepted delivery)", l)
	}
	d := rep.Deliveries
	if d == nil || d.Attempts["2"] != 1 || d.FirstRepush == nil || d.FirstRepush.Mean != time.Minute ||
		d.FirstAttemptDelay == nil || d.FirstAttemptDelay.Mean != 100*time.Millisecond {
		t.Errorf("deliveries = %+v", d)
	}
}

// TestSlowBodyIsCut: a client that sends its headers and then dribbles the body loses the
// connection at the read deadline instead of holding it.
func TestSlowBodyIsCut(t *testing.T) {
	r := New(Options{Apps: apps, ReadTimeout: 100 * time.Millisecond})
	base, err := r.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{")); err != nil {
		t.Fatal(err)
	}
	// The server must close (or answer) on its own; the guard is minutes, not a speed check.
	_ = conn.SetReadDeadline(time.Now().Add(3 * time.Minute))
	_, err = io.ReadAll(conn)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatal("the server held the connection of a slow body")
	}
}

// BenchmarkForgedPushes sends distinct badly signed pushes, as an attacker would, and reports
// the heap the receiver retains afterwards (retained-B): bounded by MaxRefused and
// MaxDetails, not by the number of pushes (make bench runs it).
func BenchmarkForgedPushes(b *testing.B) {
	forger := appAKSK
	forger.AppSecret = "guessed"
	hdr := http.Header{}
	forger.Sign(hdr)
	r := New(Options{Apps: apps})
	h := r.Handler()
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		body := []byte(`{"eventType":"callin","statusInfo":{"sessionId":"forged-` + strconv.Itoa(i) + `"}}`)
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.Header = hdr
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
	b.StopTimer()
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(int64(after.HeapInuse)-int64(before.HeapInuse)), "retained-B")
	if c := r.Snapshot().Counters; c.BadSignature != int64(b.N) {
		b.Fatalf("badSignature %d of %d", c.BadSignature, b.N)
	}
	runtime.KeepAlive(r)
}
