package callbacks

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

// callEvents is the §7.4 sequence of an answered call.
var callEvents = []string{"callin", "callout", "alerting", "answer", "disconnect"}

// arrivals returns, per session, the event types in the order the sink received them.
func arrivals(t *testing.T, hits []hit) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, h := range hits {
		var ev struct {
			EventType  string `json:"eventType"`
			StatusInfo struct {
				SessionID string `json:"sessionId"`
			} `json:"statusInfo"`
		}
		if err := json.Unmarshal(h.body, &ev); err != nil {
			t.Fatalf("body %s: %v", h.body, err)
		}
		out[ev.StatusInfo.SessionID] = append(out[ev.StatusInfo.SessionID], ev.EventType)
	}
	return out
}

// TestOrderPerCall enqueues the events of many calls at once (as the simulator's Immediate mode
// and a clock Advance do) to a healthy receiver and checks that every call's events arrive in
// enqueue order, with many workers.
func TestOrderPerCall(t *testing.T) {
	const calls = 300
	for _, tc := range []struct {
		name string
		// interleave enqueues event i of every call before event i+1 of any; otherwise
		// a call's events are enqueued back to back.
		interleave bool
		// explicit sets Push.OrderKey instead of relying on the body's sessionId.
		explicit bool
		workers  int
	}{
		{"back to back", false, false, 16},
		{"interleaved", true, false, 16},
		{"explicit key", false, true, 8},
		{"two workers", false, false, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk := frozen()
			s := newSink(t, clk, nil)
			d := newDispatcher(t, Options{Clock: clk, Workers: tc.workers, Backlog: calls * len(callEvents)})
			push := func(c, e int) {
				sid := fmt.Sprintf("%04d_%d_4294967295_20260301080000@host", c, c)
				p := Push{App: testApp, URL: s.srv.URL, Kind: pns.NotifyEvent, Body: eventBody(sid, callEvents[e])}
				if tc.explicit {
					// A key unrelated to the body: the explicit key wins.
					p.OrderKey = fmt.Sprint("call-", c)
				}
				if err := d.Enqueue(context.Background(), p); err != nil {
					t.Fatal(err)
				}
			}
			if tc.interleave {
				for e := range callEvents {
					for c := 0; c < calls; c++ {
						push(c, e)
					}
				}
			} else {
				for c := 0; c < calls; c++ {
					for e := range callEvents {
						push(c, e)
					}
				}
			}
			drain(t, d)
			got := arrivals(t, s.all())
			if len(got) != calls {
				t.Fatalf("sessions = %d, want %d", len(got), calls)
			}
			bad := 0
			for sid, seq := range got {
				if fmt.Sprint(seq) != fmt.Sprint(callEvents) {
					if bad < 5 {
						t.Errorf("session %s arrived as %v", sid, seq)
					}
					bad++
				}
			}
			if bad > 0 {
				t.Errorf("%d of %d sessions out of order", bad, calls)
			}
			st := d.Stats()
			if st.QueueDepth != 0 || st.OrderHeld != 0 || st.ByKind[pns.NotifyEvent].Delivered != calls*uint64(len(callEvents)) {
				t.Errorf("stats = %+v", st)
			}
			d.mu.Lock()
			keys := len(d.keys)
			d.mu.Unlock()
			if keys != 0 {
				t.Errorf("%d ordering keys still held after Drain", keys)
			}
		})
	}
}

// TestOrderDoesNotHoldRetries fails the first attempt of a call's callin: the later events go
// out at once, and the callin's re-push comes at its own schedule offset (D67).
func TestOrderDoesNotHoldRetries(t *testing.T) {
	clk := frozen()
	s := newSink(t, clk, func(n int) int {
		if n == 0 {
			return http.StatusServiceUnavailable
		}
		return http.StatusOK
	})
	d := newDispatcher(t, Options{Clock: clk, Workers: 4})
	for _, e := range callEvents {
		if err := d.Enqueue(context.Background(), Push{App: testApp, URL: s.srv.URL, Kind: pns.NotifyEvent, Body: eventBody("s1", e)}); err != nil {
			t.Fatal(err)
		}
	}
	drain(t, d)
	if got := arrivals(t, s.all())["s1"]; fmt.Sprint(got) != fmt.Sprint(callEvents) {
		t.Fatalf("before the re-push: %v, want %v", got, callEvents)
	}
	if st := d.Stats(); st.RetryPending != 1 {
		t.Fatalf("retry pending = %d, want 1", st.RetryPending)
	}
	clk.Advance(time.Minute)
	drain(t, d)
	want := append(append([]string(nil), callEvents...), "callin")
	if got := arrivals(t, s.all())["s1"]; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("after the re-push: %v, want %v", got, want)
	}
}

// TestOrderHeldCountsForBackPressure checks that first attempts held behind their key count
// against the destination's Backlog and that Close still sends them.
func TestOrderHeldCountsForBackPressure(t *testing.T) {
	clk := frozen()
	s := newSink(t, clk, nil)
	s.block = make(chan struct{})
	unblock := sync.OnceFunc(func() { close(s.block) })
	d := New(Options{Clock: clk, Workers: 4, Backlog: 3})
	t.Cleanup(func() { _ = d.Close() })
	t.Cleanup(unblock) // runs first: a failed test must not leave handlers blocked
	push := func(e string) error {
		return d.Enqueue(context.Background(), Push{App: testApp, URL: s.srv.URL, Kind: pns.NotifyEvent, Body: eventBody("s1", e)})
	}
	if err := push("callin"); err != nil {
		t.Fatal(err)
	}
	s.waitHits(1)
	for _, e := range callEvents[1:4] {
		if err := push(e); err != nil {
			t.Fatalf("push %s: %v", e, err)
		}
	}
	if st := d.Stats(); st.QueueDepth != 3 || st.OrderHeld != 3 || st.InFlight != 1 {
		t.Errorf("stats = %+v, want 3 held behind 1 in flight", st)
	}
	if err := push("disconnect"); err == nil {
		t.Fatal("push into a queue full of held messages succeeded")
	}
	unblock()
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if got := arrivals(t, s.all())["s1"]; fmt.Sprint(got) != fmt.Sprint(callEvents[:4]) {
		t.Errorf("arrivals = %v", got)
	}
}

// TestUnorderedKinds checks that SMS notifications without a key are not serialised: with the
// receiver blocked, every worker holds one.
func TestUnorderedKinds(t *testing.T) {
	clk := frozen()
	s := newSink(t, clk, nil)
	s.block = make(chan struct{})
	d := newDispatcher(t, Options{Clock: clk, Workers: 3})
	for i := 0; i < 3; i++ {
		if err := d.Enqueue(context.Background(), Push{App: testApp, URL: s.srv.URL, Kind: pns.NotifySMSNotify, Body: []byte(`{"appKey":"k","smsEvent":{}}`)}); err != nil {
			t.Fatal(err)
		}
	}
	s.waitHits(3)
	close(s.block)
	drain(t, d)
}

func TestEventSessionID(t *testing.T) {
	for _, tc := range []struct {
		name, body, want string
	}{
		{"compact", `{"eventType":"callin","statusInfo":{"timestamp":"t","sessionId":"abc@h","caller":"1"}}`, "abc@h"},
		{"spaced", `{"eventType": "callin", "statusInfo": {"sessionId" : "abc"}}`, "abc"},
		{"escaped", `{"eventType":"callin","statusInfo":{"sessionId":"a\"b"}}`, `a"b`},
		{"userData mentions the key", `{"eventType":"callin","statusInfo":{"userData":"\"sessionId\":\"x\"","sessionId":"real"}}`, "real"},
		{"nested elsewhere", `{"eventType":"callin","other":{"sessionId":"fake"},"statusInfo":{"sessionId":"real"}}`, "real"},
		{"none", `{"eventType":"callin","statusInfo":{}}`, ""},
		{"not JSON", `nope`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := eventSessionID([]byte(tc.body)); got != tc.want {
				t.Errorf("eventSessionID = %q, want %q", got, tc.want)
			}
		})
	}
}
