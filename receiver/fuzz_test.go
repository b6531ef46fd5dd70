package receiver

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// FuzzHandler posts arbitrary bodies, signed or not, to the receiver: whatever a platform
// sends, the receiver answers with one of its documented statuses, never panics, and its
// snapshot stays consistent (every request counted).
func FuzzHandler(f *testing.F) {
	now := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	f.Add(event("s1", "sub", "callin", now), true)
	f.Add(feeMessage(feeRecord(appAKSK.AppKey, "icid-1", "s1", "sub", now)), true)
	f.Add([]byte(`{"eventType":"numStatus","numInfo":[{"number":"+8617000000001","status":"1"}]}`), false)
	f.Add([]byte(`{"eventType":"fee","feeLst":[{"icid":7}]}`), true)
	f.Add([]byte(`{"smsEvent":{}}`), true)
	f.Add([]byte(`not json`), false)
	f.Add([]byte(`{"eventType":"disconnect","statusInfo":{"sessionId":"s1","timestamp":"2026-2-30 99:99:99"}}`), true)
	f.Add([]byte(`{"eventType":"transfer","statusInfo":{"sessionId":"s1","timestamp":"2026-03-01 08:00:00"}}`), true)
	f.Add(feeMessage(answeredFee("icid-2", "s2", now)), true)
	f.Add([]byte(`{"eventType":"callin","statusInfo":{"sessionId":7}}`), true)
	f.Fuzz(func(t *testing.T, body []byte, signed bool) {
		clk := newFakeClock()
		r := New(Options{Apps: apps, FailFirst: 0.5, Seed: 3, LateAfter: 2 * time.Second, Now: clk.Now, Settle: time.Minute,
			Validate: func(kind string, b []byte) []string {
				if bytes.Contains(b, []byte("invalid")) {
					return []string{"invalid"}
				}
				return nil
			}})
		for i := 0; i < 2; i++ { // twice: the second delivery exercises redelivery and duplicates
			req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json;charset=UTF-8")
			if signed {
				appAKSK.Sign(req.Header)
			}
			w := httptest.NewRecorder()
			r.Handler().ServeHTTP(w, req)
			switch w.Code {
			case http.StatusOK, http.StatusUnauthorized, DefaultFailStatus, http.StatusRequestEntityTooLarge, http.StatusBadRequest, http.StatusMethodNotAllowed:
			default:
				t.Fatalf("status %d for body %q", w.Code, body)
			}
		}
		if got := r.Snapshot().Counters.Requests; got != 2 {
			t.Fatalf("requests counted %d, want 2", got)
		}
		// The judgement of calls from their pushes: every call judged once settled, one
		// body is at most one invalid body.
		clk.Add(2 * time.Minute)
		rep := r.Final()
		if s := rep.Sessions; s.Judged+s.Unsettled != s.Total || s.Unsettled != 0 || rep.Counters.Invalid > 1 {
			t.Fatalf("sessions %+v, invalid %d for body %q", s, rep.Counters.Invalid, body)
		}
	})
}

// FuzzParseEmitted feeds arbitrary EmittedHeader values: never a panic, and either nil (no
// header), an empty slice (bad header) or one instant per comma-separated field.
func FuzzParseEmitted(f *testing.F) {
	for _, s := range []string{"", "2026-03-01T08:00:00.123456789Z", "2026-03-01T08:00:00Z,2026-03-01T08:00:01.5+08:00", "yesterday", ",", "2026-03-01T08:00:00Z,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		ts := parseEmitted(v)
		if v == "" && ts != nil {
			t.Fatalf("no header gave %v", ts)
		}
		if len(ts) > 0 && len(ts) != strings.Count(v, ",")+1 {
			t.Fatalf("%q gave %d instants", v, len(ts))
		}
	})
}
