package callbacks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pns-harness/pns-harness/emulator/clock"
	"github.com/pns-harness/pns-harness/pns"
)

// testBound bounds every wait in these tests; it is a safety net against a hang, never asserted
// on, and generous, so that a busy machine (load 30 on 2 cores) never trips it.
const testBound = 2 * time.Minute

var testApp = AppRef{Key: "appKeyCallbacks01", Secret: "secretCallbacks01"}

// frozen returns a virtual clock that barely moves on its own (1 s of wall time = 1 ms of
// emulator time), so tests decide time with Advance.
func frozen() *clock.Virtual { return clock.NewVirtual(0.001) }

// hit is one request seen by the test receiver.
type hit struct {
	at     time.Time // emulator clock
	header http.Header
	body   []byte
	tokErr string
	token  pns.Token
}

// sink is an httptest receiver that records hits and answers with status(n) for the n-th hit
// (0-based).
type sink struct {
	t      *testing.T
	clk    *clock.Virtual
	srv    *httptest.Server
	mu     sync.Mutex
	hits   []hit
	status func(n int) int
	answer []byte
	block  chan struct{} // when non-nil, handlers wait on it (or on the request's end)
}

func newSink(t *testing.T, clk *clock.Virtual, status func(n int) int) *sink {
	s := &sink{t: t, clk: clk, status: status}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *sink) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h := hit{at: s.clk.Now(), header: r.Header.Clone(), body: body}
	tok, perr := pns.ParseRequestAuth(r.Header)
	if perr != nil {
		h.tokErr = perr.Error()
	}
	h.token = tok
	s.mu.Lock()
	n := len(s.hits)
	s.hits = append(s.hits, h)
	block := s.block
	s.mu.Unlock()
	if block != nil {
		select {
		case <-block:
		case <-r.Context().Done():
			return
		}
	}
	st := http.StatusOK
	if s.status != nil {
		st = s.status(n)
	}
	w.WriteHeader(st)
	_, _ = w.Write(s.answer)
}

func (s *sink) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.hits)
}

func (s *sink) all() []hit {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]hit(nil), s.hits...)
}

// waitHits waits until the sink has seen n hits (bounded by testBound).
func (s *sink) waitHits(n int) {
	s.t.Helper()
	deadline := time.Now().Add(testBound)
	for s.count() < n {
		if time.Now().After(deadline) {
			s.t.Fatalf("sink saw %d hits, want %d", s.count(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

func drain(t *testing.T, d *Dispatcher) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testBound)
	defer cancel()
	if err := d.Drain(ctx); err != nil {
		t.Fatalf("Drain: %v", err)
	}
}

func idle(t *testing.T, d *Dispatcher) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testBound)
	defer cancel()
	if err := d.Idle(ctx); err != nil {
		t.Fatalf("Idle: %v", err)
	}
}

func newDispatcher(t *testing.T, o Options) *Dispatcher {
	t.Helper()
	d := New(o)
	t.Cleanup(func() { _ = d.Close() })
	return d
}

func eventBody(session, typ string) []byte {
	return []byte(fmt.Sprintf(`{"eventType":%q,"statusInfo":{"sessionId":%q,"timestamp":"2026-03-01 08:00:00","caller":"+8613800000001","called":"+8617000000001"}}`, typ, session))
}

func TestDeliverSignedEvent(t *testing.T) {
	for _, tc := range []struct {
		name   string
		scheme pns.Scheme
		header string
	}{
		{"aksk default", "", pns.HeaderXAKSK},
		{"aksk explicit", pns.SchemeAKSK, pns.HeaderXAKSK},
		{"wsse", pns.SchemeWSSE, pns.HeaderXWSSE},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk := frozen()
			s := newSink(t, clk, nil)
			d := newDispatcher(t, Options{Clock: clk})
			app := testApp
			app.Scheme = tc.scheme
			body := eventBody("s1", "callin")
			if err := d.Enqueue(context.Background(), Push{App: app, URL: s.srv.URL + "/status", Kind: pns.NotifyEvent, Body: body}); err != nil {
				t.Fatal(err)
			}
			drain(t, d)
			hits := s.all()
			if len(hits) != 1 {
				t.Fatalf("hits = %d, want 1", len(hits))
			}
			h := hits[0]
			if string(h.body) != string(body) {
				t.Errorf("body = %s, want %s", h.body, body)
			}
			if got := h.header.Get("Content-Type"); got != pns.ContentTypeJSON {
				t.Errorf("Content-Type = %q", got)
			}
			if h.header.Get(tc.header) == "" {
				t.Errorf("missing %s header: %v", tc.header, h.header)
			}
			if h.tokErr != "" {
				t.Fatalf("auth parse: %s", h.tokErr)
			}
			if h.token.Username != app.Key || !h.token.DigestMatches(app.Secret) {
				t.Errorf("signature does not verify: %+v", h.token)
			}
			if _, err := h.token.Verify(app.Secret, pns.VerifyOptions{Now: time.Now(), Skew: time.Minute}); err != nil {
				t.Errorf("Verify: %v", err)
			}
			st := d.Stats().ByKind[pns.NotifyEvent]
			if st.Attempts != 1 || st.Delivered != 1 || st.Failed != 0 {
				t.Errorf("stats = %+v", st)
			}
		})
	}
}

// TestRetrySchedule fails every attempt and checks the six re-pushes at 1, 4, 9, 106, 203 and
// 300 minutes after the first attempt, then the drop into the delivery log.
func TestRetrySchedule(t *testing.T) {
	clk := frozen()
	s := newSink(t, clk, func(int) int { return http.StatusInternalServerError })
	var obsMu sync.Mutex
	var attempts []Attempt
	d := newDispatcher(t, Options{Clock: clk, Observe: func(a Attempt) {
		obsMu.Lock()
		attempts = append(attempts, a)
		obsMu.Unlock()
	}})
	body := eventBody("s-retry", "disconnect")
	if err := d.Enqueue(context.Background(), Push{App: testApp, URL: s.srv.URL, Kind: pns.NotifyEvent, Body: body, Ref: "s-retry"}); err != nil {
		t.Fatal(err)
	}
	drain(t, d)
	if s.count() != 1 {
		t.Fatalf("first attempt: hits = %d", s.count())
	}
	first := s.all()[0].at
	for i, off := range DefaultSchedule() {
		// Just before the offset nothing happens; at the offset the re-push goes out.
		clk.Advance(first.Add(off).Add(-time.Second).Sub(clk.Now()))
		idle(t, d)
		if got := s.count(); got != i+1 {
			t.Fatalf("before re-push %d (offset %v): hits = %d, want %d", i+1, off, got, i+1)
		}
		clk.Advance(first.Add(off).Sub(clk.Now()))
		idle(t, d)
		if got := s.count(); got != i+2 {
			t.Fatalf("at re-push %d (offset %v): hits = %d, want %d", i+1, off, got, i+2)
		}
	}
	hits := s.all()
	nonces := map[string]bool{}
	for i, h := range hits {
		if string(h.body) != string(body) {
			t.Errorf("attempt %d: body changed", i+1)
		}
		if !h.token.DigestMatches(testApp.Secret) {
			t.Errorf("attempt %d: bad signature", i+1)
		}
		nonces[h.token.Nonce] = true
		if i > 0 {
			off := DefaultSchedule()[i-1]
			if el := h.at.Sub(first); el < off || el > off+time.Second {
				t.Errorf("re-push %d at %v after first, want %v", i, el, off)
			}
		}
	}
	if len(nonces) != len(hits) {
		t.Errorf("nonces reused: %d distinct of %d", len(nonces), len(hits))
	}
	// After the sixth re-push: dropped, nothing pending, nothing more sent.
	clk.Advance(24 * time.Hour)
	idle(t, d)
	if s.count() != 7 {
		t.Errorf("hits after drop = %d, want 7", s.count())
	}
	st := d.Stats()
	ks := st.ByKind[pns.NotifyEvent]
	if ks.Attempts != 7 || ks.Retries != 6 || ks.Failed != 7 || ks.Dropped != 1 || ks.Delivered != 0 || st.RetryPending != 0 {
		t.Errorf("stats = %+v (retry pending %d)", ks, st.RetryPending)
	}
	log := d.UndeliveredLog()
	if len(log) != 1 || log[0].Attempts != 7 || log[0].LastStatus != 500 || log[0].Refs[0] != "s-retry" || string(log[0].Body) != string(body) {
		t.Errorf("delivery log = %+v", log)
	}
	obsMu.Lock()
	defer obsMu.Unlock()
	if len(attempts) != 7 || attempts[6].N != 7 || !attempts[6].Dropped || attempts[5].Dropped {
		t.Errorf("observed attempts = %d, last %+v", len(attempts), attempts[len(attempts)-1])
	}
}

func TestRetryThenDelivered(t *testing.T) {
	for _, tc := range []struct {
		name      string
		status    func(n int) int
		fails     int
		wantTotal int
	}{
		{"first fails", func(n int) int { return map[bool]int{true: 503, false: 200}[n < 1] }, 1, 2},
		{"three fail", func(n int) int { return map[bool]int{true: 500, false: 200}[n < 3] }, 3, 4},
		{"204 is a failure", func(n int) int { return map[bool]int{true: 204, false: 200}[n < 1] }, 1, 2},
		{"redirect is a failure", func(n int) int { return map[bool]int{true: 302, false: 200}[n < 2] }, 2, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk := frozen()
			s := newSink(t, clk, tc.status)
			d := newDispatcher(t, Options{Clock: clk})
			if err := d.Enqueue(context.Background(), Push{App: testApp, URL: s.srv.URL, Kind: pns.NotifySMSNotify, Body: []byte(`{"appKey":"k","smsEvent":{}}`)}); err != nil {
				t.Fatal(err)
			}
			drain(t, d)
			for i := 0; i < 8; i++ {
				clk.Advance(time.Hour)
				idle(t, d)
			}
			if got := s.count(); got != tc.wantTotal {
				t.Errorf("hits = %d, want %d", got, tc.wantTotal)
			}
			ks := d.Stats().ByKind[pns.NotifySMSNotify]
			if ks.Delivered != 1 || ks.Failed != uint64(tc.fails) || ks.Dropped != 0 || ks.Retries != uint64(tc.fails) {
				t.Errorf("stats = %+v", ks)
			}
		})
	}
}

func feeRecord(i int) []byte {
	return []byte(fmt.Sprintf(`{"direction":1,"icid":"icid-%d","sessionId":"sess-%d","appKey":"k"}`, i, i))
}

type envelope struct {
	EventType string            `json:"eventType"`
	FeeLst    []json.RawMessage `json:"feeLst"`
	NumInfo   []json.RawMessage `json:"numInfo"`
}

func TestBatching(t *testing.T) {
	for _, tc := range []struct {
		name      string
		kind      string
		n         int
		wantFull  []int // sizes sent before the window ends
		wantAfter []int // sizes sent when the window ends
		eventType string
	}{
		{"fee 120", pns.NotifyFee, 120, []int{50, 50}, []int{20}, "fee"},
		{"fee 50", pns.NotifyFee, 50, []int{50}, nil, "fee"},
		{"fee 3", pns.NotifyFee, 3, nil, []int{3}, "fee"},
		{"numstatus 250", pns.NotifyNumStatus, 250, []int{100, 100}, []int{50}, "numStatus"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk := frozen()
			s := newSink(t, clk, nil)
			d := newDispatcher(t, Options{Clock: clk})
			for i := 0; i < tc.n; i++ {
				body := feeRecord(i)
				if tc.kind == pns.NotifyNumStatus {
					body = []byte(fmt.Sprintf(`{"number":"+86170%08d","status":"5"}`, i))
				}
				if err := d.Enqueue(context.Background(), Push{App: testApp, URL: s.srv.URL, Kind: tc.kind, Body: body, Ref: fmt.Sprint(i)}); err != nil {
					t.Fatal(err)
				}
			}
			idle(t, d)
			checkSizes := func(stage string, hits []hit, want []int) {
				t.Helper()
				if len(hits) != len(want) {
					t.Fatalf("%s: %d messages, want %d", stage, len(hits), len(want))
				}
				for i, h := range hits {
					var env envelope
					if err := json.Unmarshal(h.body, &env); err != nil {
						t.Fatalf("%s: body %d is not JSON: %v", stage, i, err)
					}
					items := env.FeeLst
					if tc.kind == pns.NotifyNumStatus {
						items = env.NumInfo
					}
					if env.EventType != tc.eventType || len(items) != want[i] {
						t.Errorf("%s: message %d: eventType %q with %d items, want %q with %d", stage, i, env.EventType, len(items), tc.eventType, want[i])
					}
				}
			}
			checkSizes("before window", s.all(), tc.wantFull)
			clk.Advance(DefaultFeeBatchWindow - 100*time.Millisecond)
			idle(t, d)
			checkSizes("inside window", s.all(), tc.wantFull)
			clk.Advance(200 * time.Millisecond)
			idle(t, d)
			checkSizes("after window", s.all(), append(append([]int(nil), tc.wantFull...), tc.wantAfter...))
			ks := d.Stats().ByKind[tc.kind]
			if ks.Records != uint64(tc.n) || ks.Delivered != uint64(len(tc.wantFull)+len(tc.wantAfter)) {
				t.Errorf("stats = %+v", ks)
			}
		})
	}
}

// TestBatchPerAppAndURL checks that records of different apps or URLs never share a message.
func TestBatchPerAppAndURL(t *testing.T) {
	clk := frozen()
	s := newSink(t, clk, nil)
	d := newDispatcher(t, Options{Clock: clk})
	other := AppRef{Key: "otherApp", Secret: "otherSecret", Scheme: pns.SchemeWSSE}
	pushes := []Push{
		{App: testApp, URL: s.srv.URL + "/a", Kind: pns.NotifyFee, Body: feeRecord(1)},
		{App: testApp, URL: s.srv.URL + "/b", Kind: pns.NotifyFee, Body: feeRecord(2)},
		{App: other, URL: s.srv.URL + "/a", Kind: pns.NotifyFee, Body: feeRecord(3)},
		{App: testApp, URL: s.srv.URL + "/a", Kind: pns.NotifyFee, Body: feeRecord(4)},
	}
	for _, p := range pushes {
		if err := d.Enqueue(context.Background(), p); err != nil {
			t.Fatal(err)
		}
	}
	clk.Advance(DefaultFeeBatchWindow)
	idle(t, d)
	hits := s.all()
	if len(hits) != 3 {
		t.Fatalf("messages = %d, want 3", len(hits))
	}
	for _, h := range hits {
		secret := testApp.Secret
		if h.token.Username == other.Key {
			secret = other.Secret
			if h.token.Scheme != pns.SchemeWSSE {
				t.Errorf("other app signed with %s", h.token.Scheme)
			}
		}
		if !h.token.DigestMatches(secret) {
			t.Errorf("bad signature for %s", h.token.Username)
		}
	}
}

// TestBatchRetriedAsUnit fails the first delivery of a full fee batch and checks the re-push
// carries the same 50 records.
func TestBatchRetriedAsUnit(t *testing.T) {
	clk := frozen()
	s := newSink(t, clk, func(n int) int { return map[bool]int{true: 500, false: 200}[n == 0] })
	d := newDispatcher(t, Options{Clock: clk})
	for i := 0; i < 50; i++ {
		if err := d.Enqueue(context.Background(), Push{App: testApp, URL: s.srv.URL, Kind: pns.NotifyFee, Body: feeRecord(i)}); err != nil {
			t.Fatal(err)
		}
	}
	idle(t, d)
	clk.Advance(time.Minute)
	idle(t, d)
	hits := s.all()
	if len(hits) != 2 || string(hits[0].body) != string(hits[1].body) {
		t.Fatalf("hits = %d, identical = %v", len(hits), len(hits) == 2 && string(hits[0].body) == string(hits[1].body))
	}
	if hits[0].token.Nonce == hits[1].token.Nonce {
		t.Error("re-push reused the nonce")
	}
}

// TestTimeout uses a receiver that never answers: the attempt fails by timeout and, with no
// re-push configured, the message is dropped.
func TestTimeout(t *testing.T) {
	clk := frozen()
	s := newSink(t, clk, nil)
	s.block = make(chan struct{})
	defer close(s.block)
	d := newDispatcher(t, Options{Clock: clk, Timeout: 50 * time.Millisecond, Schedule: []time.Duration{}})
	if err := d.Enqueue(context.Background(), Push{App: testApp, URL: s.srv.URL, Kind: pns.NotifyEvent, Body: eventBody("s", "callin")}); err != nil {
		t.Fatal(err)
	}
	drain(t, d)
	log := d.UndeliveredLog()
	if len(log) != 1 || log[0].LastStatus != 0 || !strings.Contains(log[0].LastError, "deadline exceeded") {
		t.Fatalf("delivery log = %+v", log)
	}
	if ks := d.Stats().ByKind[pns.NotifyEvent]; ks.Dropped != 1 || ks.Failed != 1 {
		t.Errorf("stats = %+v", ks)
	}
}

func TestConnectionRefused(t *testing.T) {
	clk := frozen()
	s := newSink(t, clk, nil)
	url := s.srv.URL
	s.srv.Close()
	d := newDispatcher(t, Options{Clock: clk, Schedule: []time.Duration{time.Minute}})
	if err := d.Enqueue(context.Background(), Push{App: testApp, URL: url, Kind: pns.NotifyEvent, Body: eventBody("s", "callin")}); err != nil {
		t.Fatal(err)
	}
	drain(t, d)
	clk.Advance(time.Minute)
	drain(t, d)
	if ks := d.Stats().ByKind[pns.NotifyEvent]; ks.Attempts != 2 || ks.Dropped != 1 {
		t.Errorf("stats = %+v", ks)
	}
}

// TestBacklogOverflow fills one destination's backlog behind a blocked receiver: the next push
// is refused and counted as overflow, another destination still accepts, and everything
// accepted is delivered once the receiver answers.
func TestBacklogOverflow(t *testing.T) {
	clk := frozen()
	s := newSink(t, clk, nil)
	s.block = make(chan struct{})
	unblock := sync.OnceFunc(func() { close(s.block) })
	t.Cleanup(unblock)
	d := newDispatcher(t, Options{Clock: clk, Workers: 1, Backlog: 2})
	push := func(url string) error {
		return d.Enqueue(context.Background(), Push{App: testApp, URL: url, Kind: pns.NotifySMSNotify, Body: []byte(`{"appKey":"k","smsEvent":{}}`)})
	}
	if err := push(s.srv.URL); err != nil {
		t.Fatal(err)
	}
	s.waitHits(1) // the destination's only worker is now busy
	for i := 0; i < 2; i++ {
		if err := push(s.srv.URL); err != nil {
			t.Fatalf("push %d: %v", i+2, err)
		}
	}
	if err := push(s.srv.URL); !errors.Is(err, ErrBacklogFull) {
		t.Fatalf("push into a full backlog: %v, want ErrBacklogFull", err)
	}
	// The same receiver under another URL is another destination with a backlog of its own.
	if err := push(s.srv.URL + "/other"); err != nil {
		t.Fatalf("push to another destination: %v", err)
	}
	s.waitHits(2)
	st := d.Stats()
	if ks := st.ByKind[pns.NotifySMSNotify]; ks.Overflow != 1 || ks.Enqueued != 4 {
		t.Errorf("stats = %+v", ks)
	}
	if st.Destinations != 2 || st.MaxBacklog != 2 {
		t.Errorf("stats = %+v", st)
	}
	if o, dr, ab := st.Loss(); o != 1 || dr != 0 || ab != 0 {
		t.Errorf("loss = %d %d %d", o, dr, ab)
	}
	unblock()
	drain(t, d)
	if got := s.count(); got != 4 {
		t.Errorf("hits = %d, want 4", got)
	}
	if ks := d.Stats().ByKind[pns.NotifySMSNotify]; ks.Delivered != 4 {
		t.Errorf("stats = %+v", ks)
	}
	// A cancelled context refuses before accepting anything.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := d.Enqueue(ctx, Push{App: testApp, URL: s.srv.URL, Kind: pns.NotifyEvent, Body: eventBody("s", "x")}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled Enqueue: %v", err)
	}
}

func TestEnqueueErrors(t *testing.T) {
	d := newDispatcher(t, Options{Clock: frozen()})
	for _, tc := range []struct {
		name string
		p    Push
		want error
	}{
		{"unknown kind", Push{URL: "http://127.0.0.1:1", Kind: "bogus", Body: []byte("{}")}, ErrUnknownKind},
		{"block via Enqueue", Push{URL: "http://127.0.0.1:1", Kind: pns.NotifySMSBlock, Body: []byte("{}")}, ErrUnknownKind},
		{"no URL", Push{Kind: pns.NotifyEvent, Body: []byte("{}")}, ErrNoURL},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := d.Enqueue(context.Background(), tc.p); !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
	_ = d.Close()
	if err := d.Enqueue(context.Background(), Push{URL: "http://127.0.0.1:1", Kind: pns.NotifyEvent, Body: []byte("{}")}); !errors.Is(err, ErrClosed) {
		t.Errorf("after Close: %v", err)
	}
}

func TestValueMarshalled(t *testing.T) {
	clk := frozen()
	s := newSink(t, clk, nil)
	d := newDispatcher(t, Options{Clock: clk})
	v := map[string]any{"eventType": "callin", "statusInfo": map[string]string{"sessionId": "v"}}
	if err := d.Enqueue(context.Background(), Push{App: testApp, URL: s.srv.URL, Kind: pns.NotifyEvent, Value: v}); err != nil {
		t.Fatal(err)
	}
	drain(t, d)
	if hits := s.all(); len(hits) != 1 || string(hits[0].body) != `{"eventType":"callin","statusInfo":{"sessionId":"v"}}` {
		t.Errorf("hits = %+v", hits)
	}
}

func TestBlock(t *testing.T) {
	answer := []byte(`{"actions":[{"operation":"vNumberRoute"}]}`)
	for _, tc := range []struct {
		name    string
		status  int
		wantErr bool
	}{
		{"forward", 200, false},
		{"server error", 500, true},
		{"accepted is not ok", 202, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk := frozen()
			s := newSink(t, clk, func(int) int { return tc.status })
			s.answer = answer
			d := newDispatcher(t, Options{Clock: clk})
			got, err := d.Block(context.Background(), Push{App: testApp, URL: s.srv.URL, Kind: pns.NotifySMSBlock,
				Body: []byte(`{"appKey":"k","smsEvent":{"notificationMode":"Block"}}`)})
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v", err)
			}
			if !tc.wantErr && string(got) != string(answer) {
				t.Errorf("answer = %s", got)
			}
			clk.Advance(6 * time.Hour)
			drain(t, d)
			if s.count() != 1 {
				t.Errorf("hits = %d: Block must not be retried", s.count())
			}
			if !s.all()[0].token.DigestMatches(testApp.Secret) {
				t.Error("bad signature")
			}
		})
	}
}

func TestBlockTimeout(t *testing.T) {
	clk := frozen()
	s := newSink(t, clk, nil)
	s.block = make(chan struct{})
	defer close(s.block)
	d := newDispatcher(t, Options{Clock: clk, Timeout: 50 * time.Millisecond})
	if _, err := d.Block(context.Background(), Push{App: testApp, URL: s.srv.URL, Body: []byte(`{}`)}); err == nil {
		t.Fatal("Block against a silent receiver succeeded")
	}
}

func TestCloseAbandonsPendingRetries(t *testing.T) {
	clk := frozen()
	s := newSink(t, clk, func(int) int { return 500 })
	d := New(Options{Clock: clk})
	if err := d.Enqueue(context.Background(), Push{App: testApp, URL: s.srv.URL, Kind: pns.NotifyEvent, Body: eventBody("s", "callin")}); err != nil {
		t.Fatal(err)
	}
	drain(t, d)
	if d.Stats().RetryPending != 1 {
		t.Fatalf("retry pending = %d", d.Stats().RetryPending)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Hour)
	if s.count() != 1 {
		t.Errorf("hits after Close = %d", s.count())
	}
	if ks := d.Stats().ByKind[pns.NotifyEvent]; ks.Abandoned != 1 || ks.Dropped != 0 {
		t.Errorf("stats = %+v", ks)
	}
}

func TestCloseSendsOpenBatches(t *testing.T) {
	clk := frozen()
	s := newSink(t, clk, nil)
	d := New(Options{Clock: clk})
	if err := d.Enqueue(context.Background(), Push{App: testApp, URL: s.srv.URL, Kind: pns.NotifyFee, Body: feeRecord(1)}); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if s.count() != 1 {
		t.Errorf("hits = %d, want the open batch sent on Close", s.count())
	}
}

func TestCollector(t *testing.T) {
	clk := frozen()
	s := newSink(t, clk, func(n int) int { return map[bool]int{true: 500, false: 200}[n == 0] })
	d := newDispatcher(t, Options{Clock: clk})
	reg := prometheus.NewPedanticRegistry()
	if err := reg.Register(d); err != nil {
		t.Fatal(err)
	}
	if err := d.Enqueue(context.Background(), Push{App: testApp, URL: s.srv.URL, Kind: pns.NotifyEvent, Body: eventBody("s", "callin")}); err != nil {
		t.Fatal(err)
	}
	drain(t, d)
	clk.Advance(time.Minute)
	drain(t, d)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			name := mf.GetName()
			for _, l := range m.GetLabel() {
				name += "/" + l.GetValue()
			}
			if c := m.GetCounter(); c != nil {
				got[name] = c.GetValue()
			} else if g := m.GetGauge(); g != nil {
				got[name] = g.GetValue()
			}
		}
	}
	for name, want := range map[string]float64{
		"pns_callback_attempts_total/event":  2,
		"pns_callback_delivered_total/event": 1,
		"pns_callback_failed_total/event":    1,
		"pns_callback_retried_total/event":   1,
		"pns_callback_dropped_total/event":   0,
		"pns_callback_attempts_total/fee":    0,
		"pns_callback_queue_depth":           0,
		"pns_callback_retry_pending":         0,
	} {
		if v, ok := got[name]; !ok || v != want {
			t.Errorf("%s = %v (present %v), want %v", name, v, ok, want)
		}
	}
}

// BenchmarkDeliver measures pushes delivered per second end to end over loopback.
func BenchmarkDeliver(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()
	d := New(Options{Clock: frozen()})
	defer d.Close()
	// Events of 1024 calls in turn: the events of one call go out one at a time (ordering
	// key), so a single call would measure one connection.
	bodies := make([][]byte, 1024)
	for i := range bodies {
		bodies[i] = eventBody(fmt.Sprintf("1202_%d_4294967295_20190124070250@callenabler246.huaweicaas.com", i), "answer")
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if err := d.Enqueue(ctx, Push{App: testApp, URL: srv.URL, Kind: pns.NotifyEvent, Body: bodies[i%len(bodies)]}); err != nil {
			b.Fatal(err)
		}
	}
	if err := d.Drain(ctx); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	if ks := d.Stats().ByKind[pns.NotifyEvent]; ks.Delivered != uint64(b.N) {
		b.Fatalf("delivered %d of %d", ks.Delivered, b.N)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "pushes/s")
}
