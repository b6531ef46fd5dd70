package receiver

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/emulator/callbacks"
	"github.com/pns-harness/pns-harness/emulator/clock"
	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/schemas"
)

func schemaValidator(t testing.TB) func(kind string, body []byte) []string {
	t.Helper()
	v, err := schemas.New()
	if err != nil {
		t.Fatalf("schemas.New: %v", err)
	}
	return v.ValidateCallback
}

// TestDispatcherToReceiver is the integration test of both packages: a real dispatcher pushes
// signed call events and fee records over loopback to a receiver that fails 20 % of first
// deliveries; advancing the emulator clock through the re-push schedule must deliver every
// fee record exactly once per icid, count duplicates only as redeliveries of failed bodies,
// and verify every signature.
func TestDispatcherToReceiver(t *testing.T) {
	const calls = 120
	r := New(Options{Apps: apps, FailFirst: 0.2, Seed: 42, Validate: schemaValidator(t)})
	base, err := r.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()

	clk := clock.NewVirtual(0.001) // moved by Advance only, in practice
	d := callbacks.New(callbacks.Options{Clock: clk})
	defer d.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	appOf := func(i int) callbacks.AppRef {
		s := appAKSK
		if i%3 == 0 {
			s = appWSSE
		}
		return callbacks.AppRef{Key: s.AppKey, Secret: s.AppSecret, Scheme: s.Scheme}
	}
	sess := func(i int) string { return fmt.Sprintf("1202_%04d_4294967295@emulator.local", i) }
	sub := func(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i) }
	for i := 0; i < calls; i++ {
		r.Expect(Expectation{SessionID: sess(i), Deadline: time.Hour})
	}
	// Each stage is delivered before the next starts, as the emulator's calls progress in
	// time, so that any out-of-order arrival would be the receiver's error.
	now := time.Now()
	for _, typ := range []string{"callin", "callout", "alerting", "answer", "disconnect"} {
		for i := 0; i < calls; i++ {
			p := callbacks.Push{App: appOf(i), URL: base + "/status", Kind: pns.NotifyEvent,
				Body: event(sess(i), sub(i), typ, now), Ref: sess(i)}
			if err := d.Enqueue(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		if err := d.Drain(ctx); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < calls; i++ {
		app := appOf(i)
		p := callbacks.Push{App: app, URL: base + "/fee", Kind: pns.NotifyFee,
			Body: feeRecord(app.Key, fmt.Sprintf("icid-%d", i), sess(i), sub(i), now), Ref: fmt.Sprintf("icid-%d", i)}
		if err := d.Enqueue(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	clk.Advance(2 * time.Second) // the fee batching window
	if err := d.Idle(ctx); err != nil {
		t.Fatal(err)
	}
	// Walk the re-push schedule.
	for step := 0; step < 8 && d.Stats().RetryPending > 0; step++ {
		clk.Advance(time.Hour)
		if err := d.Idle(ctx); err != nil {
			t.Fatal(err)
		}
	}

	st := d.Stats()
	rep := r.Snapshot()
	c := rep.Counters
	if st.RetryPending != 0 {
		t.Fatalf("re-pushes still pending: %+v", st)
	}
	for k, ks := range st.ByKind {
		if ks.Dropped != 0 {
			t.Errorf("%s: %d dropped", k, ks.Dropped)
		}
	}
	if c.FeeRecords != calls || c.DuplicateFeeRecords != 0 || c.FeeWithoutIcid != 0 {
		t.Errorf("fee records = %d (dup %d), want %d exactly once", c.FeeRecords, c.DuplicateFeeRecords, calls)
	}
	if c.BadSignature != 0 || rep.ByScheme["AKSK"] == 0 || rep.ByScheme["WSSE"] == 0 {
		t.Errorf("signatures: bad %d, schemes %v", c.BadSignature, rep.ByScheme)
	}
	if c.InjectedFailures == 0 {
		t.Error("no failure injected: the test proves nothing about re-pushes")
	}
	if c.Redeliveries != c.InjectedFailures || c.Duplicates != 0 || c.Unrecovered != 0 {
		t.Errorf("injected %d, redeliveries %d, duplicates %d, unrecovered %d",
			c.InjectedFailures, c.Redeliveries, c.Duplicates, c.Unrecovered)
	}
	var failed uint64
	for _, ks := range st.ByKind {
		failed += ks.Failed
	}
	if failed != uint64(c.InjectedFailures) {
		t.Errorf("dispatcher failed attempts %d != receiver injected failures %d", failed, c.InjectedFailures)
	}
	if c.SchemaInvalid != 0 {
		t.Errorf("schema violations: %+v", rep.Violations)
	}
	// Events are accounted at their accepted delivery, so a refused event re-pushed after
	// later events of its call arrives out of order: at most one per injected failure.
	if c.OutOfOrder > c.InjectedFailures || c.DuplicateEvents != 0 || c.Events != 5*calls {
		t.Errorf("events %d, out of order %d (injected failures %d), duplicate events %d", c.Events, c.OutOfOrder, c.InjectedFailures, c.DuplicateEvents)
	}
	s := rep.Sessions
	if s.Total != calls || s.Complete != calls || s.Satisfied != calls || s.Missing != 0 {
		t.Errorf("sessions = %+v", s)
	}
	for _, f := range rep.Failures {
		if strings.Join(f.Problems, ",") != "out-of-order" {
			t.Errorf("call %s: problems %v", f.SessionID, f.Problems)
		}
	}
	if l, ok := rep.LatencyFor(RefTrigger, "disconnect"); !ok || l.Count != calls {
		t.Errorf("trigger latency for disconnect = %+v", l)
	}
	// The dispatcher states each record's emission: every fee record is measured exactly,
	// none against the virtual clock's timestamps.
	if l, ok := rep.LatencyFor(RefEmulator, "fee"); !ok || l.Count != calls {
		t.Errorf("emulator delay for fee = %+v", l)
	}
	if l, ok := rep.LatencyFor(RefPlatform, "fee"); ok {
		t.Errorf("platform delay recorded despite the emission header: %+v", l)
	}
	if EmittedHeader != callbacks.EmittedHeader {
		t.Errorf("receiver reads %q, the dispatcher writes %q", EmittedHeader, callbacks.EmittedHeader)
	}
	t.Logf("injected %d failures over %d requests; fee messages %d (max batch %d)",
		c.InjectedFailures, c.Requests, c.FeeMessages, c.MaxFeeBatch)
}

// TestSchemaInvalidFromDispatcher sends a fee record lacking required fields through the
// dispatcher and a numStatus change with an invalid status; both are counted schema-invalid
// and answered 200 (no re-push).
func TestSchemaInvalidFromDispatcher(t *testing.T) {
	r := New(Options{Apps: apps, Validate: schemaValidator(t)})
	base, err := r.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	clk := clock.NewVirtual(0.001)
	d := callbacks.New(callbacks.Options{Clock: clk})
	defer d.Close()
	ctx := context.Background()
	app := callbacks.AppRef{Key: appAKSK.AppKey, Secret: appAKSK.AppSecret}
	for _, p := range []callbacks.Push{
		{App: app, URL: base, Kind: pns.NotifyFee, Body: []byte(`{"direction":1,"icid":"x","sessionId":"s"}`)},
		{App: app, URL: base, Kind: pns.NotifyNumStatus, Body: []byte(`{"number":"+8617000000001","status":"7"}`)},
	} {
		if err := d.Enqueue(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	rep := r.Snapshot()
	if rep.Counters.SchemaInvalid != 2 || len(rep.Violations) != 2 {
		t.Errorf("schemaInvalid = %d, violations = %+v", rep.Counters.SchemaInvalid, rep.Violations)
	}
	if ks := d.Stats().ByKind[pns.NotifyFee]; ks.Delivered != 1 || ks.Failed != 0 {
		t.Errorf("fee stats = %+v", ks)
	}
}

// TestWrongSecretRepushed: a dispatcher signing with the wrong secret gets 401 on every
// attempt and drops the message after the schedule; the receiver counts every attempt as a
// bad signature and accounts nothing.
func TestWrongSecretRepushed(t *testing.T) {
	r := New(Options{Apps: apps})
	srvURL, err := r.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	clk := clock.NewVirtual(0.001)
	d := callbacks.New(callbacks.Options{Clock: clk, Schedule: []time.Duration{time.Minute, 2 * time.Minute}})
	defer d.Close()
	ctx := context.Background()
	app := callbacks.AppRef{Key: appAKSK.AppKey, Secret: "wrong", Scheme: pns.SchemeAKSK}
	if err := d.Enqueue(ctx, callbacks.Push{App: app, URL: srvURL, Kind: pns.NotifyEvent, Body: event("s", "", "callin", time.Now())}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if err := d.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Minute)
	}
	c := r.Snapshot().Counters
	if c.BadSignature != 3 || c.Events != 0 || c.Redeliveries != 2 || c.Unrecovered != 1 {
		t.Errorf("counters = %+v", c)
	}
	log := d.UndeliveredLog()
	if len(log) != 1 || log[0].LastStatus != http.StatusUnauthorized {
		t.Errorf("delivery log = %+v", log)
	}
}

// BenchmarkEndToEnd measures signed call events delivered per second from a dispatcher to the
// receiver over loopback (signature verification and accounting included, no schema
// validation).
func BenchmarkEndToEnd(b *testing.B) {
	r := New(Options{Apps: apps})
	base, err := r.Start("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	d := callbacks.New(callbacks.Options{Clock: clock.NewVirtual(0.001)})
	defer d.Close()
	app := callbacks.AppRef{Key: appAKSK.AppKey, Secret: appAKSK.AppSecret}
	ctx := context.Background()
	now := time.Now()
	bodies := make([][]byte, b.N)
	for i := range bodies {
		bodies[i] = event(fmt.Sprintf("e2e-%d", i), "sub", "callin", now)
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if err := d.Enqueue(ctx, callbacks.Push{App: app, URL: base, Kind: pns.NotifyEvent, Body: bodies[i]}); err != nil {
			b.Fatal(err)
		}
	}
	if err := d.Drain(ctx); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	if c := r.Snapshot().Counters; c.Events != int64(b.N) || c.BadSignature != 0 {
		b.Fatalf("events %d of %d, bad signatures %d", c.Events, b.N, c.BadSignature)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "pushes/s")
}
