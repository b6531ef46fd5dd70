package receiver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/schemas"
)

var (
	appAKSK = pns.Signer{AppKey: "recvAppAKSK", AppSecret: "recvSecretAKSK", Scheme: pns.SchemeAKSK}
	appWSSE = pns.Signer{AppKey: "recvAppWSSE", AppSecret: "recvSecretWSSE", Scheme: pns.SchemeWSSE}
	apps    = map[string]string{appAKSK.AppKey: appAKSK.AppSecret, appWSSE.AppKey: appWSSE.AppSecret}
)

// fakeClock is a settable clock for lateness and deadlines.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func event(session, sub, typ string, ts time.Time) []byte {
	subField := ""
	if sub != "" {
		subField = fmt.Sprintf(`,"subscriptionId":%q`, sub)
	}
	return []byte(fmt.Sprintf(`{"eventType":%q,"statusInfo":{"timestamp":%q,"sessionId":%q,"caller":"+8613800000001","called":"+8617000000001"%s}}`,
		typ, pns.FormatUTC(ts), session, subField))
}

func feeRecord(appKey, icid, session, sub string, end time.Time) []byte {
	return []byte(fmt.Sprintf(`{"direction":1,"spId":"sp01","appKey":%q,"icid":%q,"bindNum":"+8617000000001","sessionId":%q,"subscriptionId":%q,"callerNum":"+8613800000001","calleeNum":"+8617000000001","callInTime":%q,"callEndTime":%q,"fwdUnaswRsn":0,"ulFailReason":0,"sipStatusCode":0,"callOutUnaswRsn":0,"recordFlag":0,"serviceType":"004","hostName":"emulator.local"}`,
		appKey, icid, session, sub, pns.FormatUTC(end.Add(-30*time.Second)), pns.FormatUTC(end)))
}

func feeMessage(records ...[]byte) []byte {
	return []byte(`{"eventType":"fee","feeLst":[` + string(bytes.Join(records, []byte(","))) + `]}`)
}

// post sends a body to the handler signed by s (nil: unsigned) and returns the status.
func post(t *testing.T, h http.Handler, s *pns.Signer, body []byte) int {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/cb", bytes.NewReader(body))
	req.Header.Set("Content-Type", pns.ContentTypeJSON)
	if s != nil {
		s.Sign(req.Header)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}

func TestKindDetection(t *testing.T) {
	now := time.Now()
	for _, tc := range []struct {
		name string
		body string
		want string
	}{
		{"callin", string(event("s", "", "callin", now)), pns.NotifyEvent},
		{"disconnect", string(event("s", "", "disconnect", now)), pns.NotifyEvent},
		{"collectInfo", `{"eventType":"collectInfo","statusInfo":{"sessionId":"s"}}`, pns.NotifyEvent},
		{"event without statusInfo", `{"eventType":"answer"}`, pns.NotifyEvent},
		{"fee", string(feeMessage(feeRecord("k", "i", "s", "", now))), pns.NotifyFee},
		{"numStatus", `{"eventType":"numStatus","numInfo":[{"number":"+8617000000001","status":"5"}]}`, pns.NotifyNumStatus},
		{"sms notify", `{"appKey":"k","smsEvent":{"smsIdentifier":"x","notificationMode":"Notify"}}`, pns.NotifySMSNotify},
		{"sms block", `{"appKey":"k","smsEvent":{"smsIdentifier":"x","notificationMode":"Block"}}`, pns.NotifySMSBlock},
		{"unknown event type", `{"eventType":"ringing"}`, KindUnknown},
		{"empty object", `{}`, KindUnknown},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var env envelope
			if err := json.Unmarshal([]byte(tc.body), &env); err != nil {
				t.Fatal(err)
			}
			if got := env.kind(); got != tc.want {
				t.Errorf("kind = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestSignatureVerification(t *testing.T) {
	wrong := appAKSK
	wrong.AppSecret = "not-the-secret"
	unknown := pns.Signer{AppKey: "nobody", AppSecret: "x"}
	stale := appAKSK
	stale.Now = func() time.Time { return time.Now().Add(-time.Hour) }
	local := appAKSK // China local time labelled Z, as Huawei's samples send it (§2.6)
	local.Now = func() time.Time { return time.Now().Add(DefaultLocalOffset) }
	body := event("sig-session", "", "callin", time.Now())
	for _, tc := range []struct {
		name       string
		signer     *pns.Signer
		opts       Options
		wantStatus int
		wantBad    int64
		wantEvents int64
	}{
		{"aksk ok", &appAKSK, Options{Apps: apps}, 200, 0, 1},
		{"wsse ok", &appWSSE, Options{Apps: apps}, 200, 0, 1},
		{"wrong secret", &wrong, Options{Apps: apps}, 401, 1, 0},
		{"unknown app", &unknown, Options{Apps: apps}, 401, 1, 0},
		{"unsigned", nil, Options{Apps: apps}, 401, 1, 0},
		{"stale created, no skew check", &stale, Options{Apps: apps, Skew: -1}, 200, 0, 1},
		{"stale created, default skew window", &stale, Options{Apps: apps}, 401, 1, 0},
		{"stale created, skew checked", &stale, Options{Apps: apps, Skew: 5 * time.Minute}, 401, 1, 0},
		{"local time sent as UTC", &local, Options{Apps: apps}, 200, 0, 1},
		{"wrong secret accepted", &wrong, Options{Apps: apps, AcceptBadSignature: true}, 200, 1, 1},
		{"verification disabled", &wrong, Options{}, 200, 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := New(tc.opts)
			if got := post(t, r.Handler(), tc.signer, body); got != tc.wantStatus {
				t.Errorf("status = %d, want %d", got, tc.wantStatus)
			}
			c := r.Snapshot().Counters
			if c.BadSignature != tc.wantBad || c.Events != tc.wantEvents {
				t.Errorf("badSignature = %d, events = %d; want %d, %d", c.BadSignature, c.Events, tc.wantBad, tc.wantEvents)
			}
		})
	}
}

// TestBadSignatureThenGoodRedelivery: a body first rejected for its signature and re-pushed
// correctly signed is a redelivery, accounted once.
func TestBadSignatureThenGoodRedelivery(t *testing.T) {
	wrong := appAKSK
	wrong.AppSecret = "bad"
	r := New(Options{Apps: apps})
	body := event("s", "", "callin", time.Now())
	if got := post(t, r.Handler(), &wrong, body); got != 401 {
		t.Fatalf("status = %d", got)
	}
	if c := r.Snapshot().Counters; c.Unrecovered != 1 {
		t.Errorf("unrecovered = %d, want 1", c.Unrecovered)
	}
	if got := post(t, r.Handler(), &appAKSK, body); got != 200 {
		t.Fatalf("status = %d", got)
	}
	c := r.Snapshot().Counters
	if c.Redeliveries != 1 || c.Duplicates != 0 || c.Events != 1 || c.Unrecovered != 0 {
		t.Errorf("counters = %+v", c)
	}
}

func TestSchemaInvalid(t *testing.T) {
	var kinds []string
	r := New(Options{Apps: apps, Validate: func(kind string, body []byte) []string {
		kinds = append(kinds, kind)
		if bytes.Contains(body, []byte("BAD")) {
			return []string{"/statusInfo/caller\tmaxLength\ttoo long"}
		}
		return nil
	}})
	now := time.Now()
	bad := event("BAD", "", "callin", now)
	for i := 0; i < 2; i++ { // the second delivery is a duplicate, not a second invalid body
		if got := post(t, r.Handler(), &appAKSK, bad); got != 200 {
			t.Errorf("invalid body answered %d, want 200", got)
		}
	}
	post(t, r.Handler(), &appAKSK, event("good", "", "callin", now))
	post(t, r.Handler(), &appAKSK, []byte(`not json`))
	rep := r.Snapshot()
	if rep.Counters.SchemaInvalid != 1 || rep.Counters.Malformed != 1 || rep.Counters.Duplicates != 1 || rep.Counters.Invalid != 2 {
		t.Errorf("counters = %+v", rep.Counters)
	}
	if len(rep.Violations) != 2 || rep.Violations[0].Kind != pns.NotifyEvent || rep.Violations[0].EventType != "callin" || rep.Violations[1].Kind != KindUnknown {
		t.Errorf("violations = %+v", rep.Violations)
	}
	if strings.Join(kinds, ",") != "event,event,event" {
		t.Errorf("validated kinds = %v", kinds)
	}
}

func TestOutOfOrderAndSequence(t *testing.T) {
	now := time.Now()
	for _, tc := range []struct {
		name         string
		events       []string
		wantOOO      int64
		wantComplete int64
		wantBroken   int64
		wantProblems string
	}{
		{"in order B1", []string{"callin", "callout", "alerting", "answer", "disconnect"}, 0, 1, 0, ""},
		{"in order B7", []string{"callin", "disconnect"}, 0, 1, 0, ""},
		{"in order E1", []string{"callin", "collectInfo", "callout", "alerting", "answer", "disconnect"}, 0, 1, 0, ""},
		{"disconnect first", []string{"disconnect", "callin"}, 1, 1, 0, "out-of-order"},
		{"answer before alerting", []string{"callin", "callout", "answer", "alerting", "disconnect"}, 1, 1, 0, "out-of-order"},
		{"answer without alerting", []string{"callin", "callout", "answer", "disconnect"}, 0, 0, 1, "broken-sequence"},
		{"no callin", []string{"callout", "disconnect"}, 0, 0, 1, "broken-sequence"},
		{"in progress", []string{"callin", "callout"}, 0, 0, 0, ""},
		{"duplicate disconnect", []string{"callin", "disconnect", "disconnect"}, 0, 1, 0, "duplicate-event"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := New(Options{Apps: apps})
			for i, typ := range tc.events {
				// Timestamps follow §7.4 whatever the arrival order; distinct ones keep
				// repeated types distinct bodies.
				ts := now.Add(time.Duration(10*eventRank[typ]+i) * time.Second)
				post(t, r.Handler(), &appAKSK, event("S", "", typ, ts))
			}
			rep := r.Snapshot()
			fee := 0
			if rep.Counters.OutOfOrder != tc.wantOOO || rep.Sessions.EventsComplete != tc.wantComplete || rep.Sessions.BrokenSequence != tc.wantBroken {
				t.Errorf("outOfOrder = %d, eventsComplete = %d, broken = %d; want %d, %d, %d",
					rep.Counters.OutOfOrder, rep.Sessions.EventsComplete, rep.Sessions.BrokenSequence, tc.wantOOO, tc.wantComplete, tc.wantBroken)
			}
			var problems []string
			for _, f := range rep.Failures {
				problems = append(problems, f.Problems...)
				fee += f.FeeRecords
			}
			if strings.Join(problems, ",") != tc.wantProblems {
				t.Errorf("problems = %v, want %q", problems, tc.wantProblems)
			}
			if rep.Sessions.Complete != 0 || fee != 0 {
				t.Errorf("complete without fee: %+v", rep.Sessions)
			}
		})
	}
}

func TestDuplicates(t *testing.T) {
	r := New(Options{Apps: apps})
	now := time.Now()
	recA := feeRecord(appAKSK.AppKey, "icid-A", "S1", "sub", now)
	recB := feeRecord(appAKSK.AppKey, "icid-B", "S2", "sub", now)
	msg1 := feeMessage(recA)
	msg2 := feeMessage(recA, recB) // icid-A again in another body
	post(t, r.Handler(), &appAKSK, msg1)
	post(t, r.Handler(), &appAKSK, msg1) // same body after a 200: true duplicate
	post(t, r.Handler(), &appAKSK, msg2)
	rep := r.Snapshot()
	c := rep.Counters
	if c.Duplicates != 1 || c.Redeliveries != 0 || c.FeeRecords != 2 || c.DuplicateFeeRecords != 1 || c.FeeMessages != 2 || c.MaxFeeBatch != 2 {
		t.Errorf("counters = %+v", c)
	}
	if len(rep.Failures) != 1 || rep.Failures[0].SessionID != "S1" || rep.Failures[0].Problems[0] != "duplicate-fee" {
		t.Errorf("failures = %+v", rep.Failures)
	}

	sms := func(mode, content string) []byte {
		return []byte(`{"appKey":"k","smsEvent":{"smsIdentifier":"sms-1","notificationMode":"` + mode +
			`","timeStamp":"2026-03-01 08:00:00","smsContent":"` + content + `"}}`)
	}
	post(t, r.Handler(), &appAKSK, sms("Block", "a"))
	post(t, r.Handler(), &appAKSK, sms("Notify", "a")) // X mode: Notify follows Block, not a duplicate
	post(t, r.Handler(), &appAKSK, sms("Notify", "b")) // same identifier, other body
	if c := r.Snapshot().Counters; c.DuplicateSMS != 1 || c.SMSNotify != 2 || c.SMSBlock != 1 {
		t.Errorf("sms counters = %+v", c)
	}
}

func TestFailFirstDeterministic(t *testing.T) {
	const n = 2000
	answers := func(seed uint64) []int {
		r := New(Options{Apps: apps, FailFirst: 0.2, Seed: seed})
		out := make([]int, n)
		for i := range out {
			out[i] = post(t, r.Handler(), &appAKSK, event(fmt.Sprintf("s%d", i), "", "callin", time.Unix(0, 0)))
		}
		return out
	}
	a, b, c := answers(1), answers(1), answers(2)
	failed, differ := 0, 0
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("delivery %d: %d vs %d with the same seed", i, a[i], b[i])
		}
		if a[i] == DefaultFailStatus {
			failed++
		} else if a[i] != 200 {
			t.Fatalf("status %d", a[i])
		}
		if a[i] != c[i] {
			differ++
		}
	}
	// 0.2 of 2000 = 400; a binomial sd is ~18, so ±100 cannot fail by chance.
	if failed < 300 || failed > 500 {
		t.Errorf("failed %d of %d, want about 400", failed, n)
	}
	if differ == 0 {
		t.Error("another seed selected exactly the same deliveries")
	}
	// A re-push of a failed body is accepted.
	r := New(Options{Apps: apps, FailFirst: 1})
	body := event("x", "", "callin", time.Now())
	if s1, s2 := post(t, r.Handler(), &appAKSK, body), post(t, r.Handler(), &appAKSK, body); s1 != DefaultFailStatus || s2 != 200 {
		t.Errorf("statuses %d, %d", s1, s2)
	}
	if c := r.Snapshot().Counters; c.Redeliveries != 1 || c.InjectedFailures != 1 || c.Unrecovered != 0 || c.Events != 1 {
		t.Errorf("counters = %+v", c)
	}
}

func TestSMSBlockAnswer(t *testing.T) {
	r := New(Options{Apps: apps, FailFirst: 1})
	body := []byte(`{"appKey":"recvAppAKSK","smsEvent":{"smsIdentifier":"x","notificationMode":"Block","timeStamp":"2026-03-01 08:00:00"}}`)
	req := httptest.NewRequest(http.MethodPost, "/sms", bytes.NewReader(body))
	appAKSK.Sign(req.Header)
	rec := httptest.NewRecorder()
	r.Handler().ServeHTTP(rec, req)
	if rec.Code != 200 || rec.Body.String() != DefaultBlockAnswer {
		t.Errorf("answer %d %q", rec.Code, rec.Body.String())
	}
	if c := r.Snapshot().Counters; c.SMSBlock != 1 || c.InjectedFailures != 0 {
		t.Errorf("counters = %+v", c)
	}
}

func TestMethodAndSize(t *testing.T) {
	r := New(Options{MaxBody: 16})
	rec := httptest.NewRecorder()
	r.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET answered %d", rec.Code)
	}
	if got := post(t, r.Handler(), &appAKSK, bytes.Repeat([]byte("x"), 100)); got != http.StatusRequestEntityTooLarge {
		t.Errorf("large body answered %d", got)
	}
}

func TestLateAndPlatformLatency(t *testing.T) {
	clk := newFakeClock()
	r := New(Options{Apps: apps, LateAfter: 5 * time.Second, Now: clk.Now})
	base := clk.Now()
	clk.Add(2 * time.Second)
	post(t, r.Handler(), &appAKSK, event("S", "", "callin", base)) // 2 s: on time
	clk.Add(8 * time.Second)
	post(t, r.Handler(), &appAKSK, event("S", "", "disconnect", base.Add(time.Second)))  // 9 s: late
	post(t, r.Handler(), &appAKSK, event("T", "", "callin", clk.Now().Add(time.Minute))) // ahead
	rep := r.Snapshot()
	if rep.Counters.Late != 1 || rep.Sessions.Late != 1 || rep.Counters.ClockSkew != 1 {
		t.Errorf("late = %d/%d, clockSkew = %d", rep.Counters.Late, rep.Sessions.Late, rep.Counters.ClockSkew)
	}
	l, ok := rep.LatencyFor(RefPlatform, "disconnect")
	if !ok || l.Count != 1 || l.P50Ms < 8990 || l.P50Ms > 9010 {
		t.Errorf("disconnect latency = %+v", l)
	}
	// The timestamp ahead of the receiver's clock is skew, not a delay of zero.
	if l, ok := rep.LatencyFor(RefPlatform, "callin"); !ok || l.Count != 1 || l.MinMs < 1990 {
		t.Errorf("callin latency = %+v", l)
	}
	if pc := rep.PlatformClock; pc == nil || pc.Samples != 3 || pc.MinMs > -58000 || pc.MaxMs < 8990 {
		t.Errorf("platform clock = %+v", pc)
	}
	if tc := rep.ByType["callin"]; tc.ClockSkew != 1 || tc.Received != 2 {
		t.Errorf("callin counts = %+v", tc)
	}
}

func TestExpectations(t *testing.T) {
	clk := newFakeClock()
	r := New(Options{Apps: apps, Now: clk.Now, ExpectDeadline: 30 * time.Second})
	h := r.Handler()
	t0 := clk.Now()
	// 1: by sessionId, satisfied. 2: by subscriptionId, registered AFTER its callin arrived.
	// 3: by sessionId, nothing arrives -> missing. 4: disconnect but no fee -> missing.
	// 5: NoFee, only events -> satisfied. 6: long deadline -> pending.
	r.Expect(Expectation{SessionID: "S1", Triggered: t0})
	clk.Add(100 * time.Millisecond)
	post(t, h, &appAKSK, event("S2", "sub-2", "callin", t0))
	r.Expect(Expectation{SubscriptionID: "sub-2", Triggered: t0})
	r.Expect(Expectation{SessionID: "S3", Triggered: t0})
	r.Expect(Expectation{SessionID: "S4", Triggered: t0})
	r.Expect(Expectation{SessionID: "S5", Triggered: t0, NoFee: true})
	r.Expect(Expectation{SessionID: "S6", Triggered: t0, Deadline: time.Hour})
	for _, s := range []string{"S1", "S2", "S4", "S5"} {
		post(t, h, &appAKSK, event(s, "sub-"+s[1:], "callin", t0))
		post(t, h, &appAKSK, event(s, "sub-"+s[1:], "disconnect", t0))
	}
	clk.Add(100 * time.Millisecond)
	post(t, h, &appAKSK, feeMessage(feeRecord(appAKSK.AppKey, "i1", "S1", "sub-1", t0), feeRecord(appAKSK.AppKey, "i2", "S2", "sub-2", t0)))

	rep := r.Snapshot()
	if rep.Sessions.Satisfied != 3 || rep.Sessions.Missing != 0 || rep.Sessions.Pending != 3 {
		t.Errorf("before deadline: %+v", rep.Sessions)
	}
	clk.Add(time.Minute)
	rep = r.Snapshot()
	if rep.Sessions.Satisfied != 3 || rep.Sessions.Missing != 2 || rep.Sessions.Pending != 1 {
		t.Errorf("after deadline: %+v", rep.Sessions)
	}
	missing := map[string]bool{}
	for _, f := range rep.Failures {
		for _, p := range f.Problems {
			if p == "missing" {
				missing[f.SessionID] = true
			}
		}
	}
	if len(missing) != 2 || !missing["S3"] || !missing["S4"] {
		t.Errorf("missing = %v", missing)
	}
	// Trigger latency: S2's first callin (back-filled at Expect) arrived 100 ms after t0.
	l, ok := rep.LatencyFor(RefTrigger, "callin")
	if !ok || l.Count != 4 || l.MinMs < 99 || l.MinMs > 101 { // S2's second callin is a duplicate body
		t.Errorf("trigger callin latency = %+v", l)
	}
	if l, ok := rep.LatencyFor(RefTrigger, "fee"); !ok || l.Count != 2 || l.MinMs < 199 || l.MinMs > 201 {
		t.Errorf("trigger fee latency = %+v", l)
	}
}

func TestMarkTriggered(t *testing.T) {
	clk := newFakeClock()
	r := New(Options{Apps: apps, Now: clk.Now})
	t0 := clk.Now()
	r.MarkTriggered("A", t0) // before arrival
	clk.Add(50 * time.Millisecond)
	post(t, r.Handler(), &appAKSK, event("A", "", "callin", t0))
	post(t, r.Handler(), &appAKSK, event("B", "", "callin", t0))
	r.MarkTriggered("B", t0.Add(-50*time.Millisecond)) // after arrival: back-filled
	l, ok := r.Snapshot().LatencyFor(RefTrigger, "callin")
	if !ok || l.Count != 2 || l.MinMs < 49 || l.MaxMs > 101 {
		t.Errorf("latency = %+v", l)
	}
}

func TestReportJSONAndMerge(t *testing.T) {
	mk := func(n int) Report {
		r := New(Options{Apps: apps})
		for i := 0; i < n; i++ {
			post(t, r.Handler(), &appAKSK, event(fmt.Sprintf("s%d", i), "", "callin", time.Now()))
		}
		return r.Snapshot()
	}
	a, b := mk(3), mk(5)
	raw, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	m, err := Merge(back, b)
	if err != nil {
		t.Fatal(err)
	}
	if m.Counters.Events != 8 || m.Sessions.Total != 8 || m.ByEventType["callin"] != 8 {
		t.Errorf("merged counters = %+v sessions = %+v", m.Counters, m.Sessions)
	}
	l, ok := m.LatencyFor(RefPlatform, "callin")
	if !ok || l.Count != 8 {
		t.Errorf("merged latency = %+v", l)
	}
	h, err := l.Hist()
	if err != nil || h.TotalCount() != 8 {
		t.Errorf("decoded histogram: %v, %v", h, err)
	}
}

func TestStartClose(t *testing.T) {
	r := New(Options{Apps: apps})
	base, err := r.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, base+"/status", bytes.NewReader(event("s", "", "callin", time.Now())))
	appAKSK.Sign(req.Header)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("status %d", resp.StatusCode)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Start("127.0.0.1:0"); err == nil {
		t.Error("second Start succeeded")
	}
	if r.Snapshot().Counters.Events != 1 {
		t.Error("event not counted")
	}
	rec := httptest.NewRecorder()
	r.ReportHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/report", nil))
	var rep Report
	if err := json.Unmarshal(rec.Body.Bytes(), &rep); err != nil || rep.Counters.Events != 1 {
		t.Errorf("report endpoint: %v, %+v", err, rep.Counters)
	}
}

// BenchmarkHandler measures the receiver's hot path (signature, nonce replay check, hash,
// parse, accounting) without the network. Each push carries a fresh nonce, as the platform's
// do (a reused header would be refused as a replay), so the client's signing is included.
func BenchmarkHandler(b *testing.B) {
	r := New(Options{Apps: apps})
	h := r.Handler()
	now := time.Now()
	bodies := make([][]byte, 4096)
	for i := range bodies {
		bodies[i] = event(fmt.Sprintf("bench-%d", i), "sub", "callin", now)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(bodies[i%len(bodies)]))
		appAKSK.Sign(req.Header)
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
}

// BenchmarkHandlerFresh is BenchmarkHandler with every push a body never seen before (its
// own session), the platform's case and the receiver's costliest: each is accounted, its
// nonce and body remembered. Without the network, so that CPU profiles and allocation counts
// of the receiver's own work are not drowned in the HTTP stack's; "validated" also checks the
// contract's schemas. The bodies are made in batches with the timer stopped.
func BenchmarkHandlerFresh(b *testing.B) {
	v, err := schemas.New()
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		opts Options
	}{{"signed", Options{Apps: apps}}, {"validated", Options{Apps: apps, Schemas: v}}} {
		b.Run(bc.name, func(b *testing.B) {
			r := New(bc.opts)
			h := r.Handler()
			now := time.Now()
			bodies := make([][]byte, 4096)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if i%len(bodies) == 0 {
					b.StopTimer()
					for j := range bodies {
						bodies[j] = event("fresh-"+strconv.Itoa(i+j), "sub", "callin", now)
					}
					b.StartTimer()
				}
				req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(bodies[i%len(bodies)]))
				appAKSK.Sign(req.Header)
				h.ServeHTTP(httptest.NewRecorder(), req)
			}
			b.StopTimer()
			if c := r.Snapshot().Counters; c.Events != int64(b.N) || c.Invalid != 0 {
				b.Fatalf("pushes not all accounted as valid events: %+v", c)
			}
		})
	}
}
