package conformance

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/receiver"
	"github.com/pns-harness/pns-harness/schemas"
)

// tamperedSource is a receiver whose arrivals tamper alters before its subscribers see them.
type tamperedSource struct {
	*receiver.Receiver
	tamper func(*receiver.Arrival)
}

// Subscribe implements PushSource.
func (s tamperedSource) Subscribe(fn func(receiver.Arrival)) (cancel func()) {
	return s.Receiver.Subscribe(func(a receiver.Arrival) {
		s.tamper(&a)
		fn(a)
	})
}

// harnessRunStyle serves the conformance emulator the way `harness run` does: one receiver,
// its URL in every empty call-status, fee, X-status and SMS notification URL, and the receiver
// as the push source. tamper, if set, may alter each arrival before the scenarios see it.
func harnessRunStyle(t *testing.T, tamper func(*receiver.Arrival)) (string, PushSource) {
	t.Helper()
	cfg, err := ConformanceConfig()
	if err != nil {
		t.Fatal(err)
	}
	v, err := schemas.New()
	if err != nil {
		t.Fatal(err)
	}
	apps := map[string]string{}
	for _, a := range cfg.Apps {
		apps[a.AppKey] = a.AppSecret
	}
	rcv := receiver.New(receiver.Options{Apps: apps, Validate: v.ValidateCallback})
	var src PushSource = rcv
	if tamper != nil {
		src = tamperedSource{rcv, tamper}
	}
	rurl, err := rcv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rcv.Close() })
	for i := range cfg.Apps {
		a := &cfg.Apps[i]
		for _, u := range []*string{&a.CallStatusURL, &a.FeeURL, &a.XStatusURL, &a.SMSNotifyURL} {
			if *u == "" {
				*u = rurl
			}
		}
	}
	url, stop, err := ServeEmulator(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return url, src
}

func deliveryFS(t *testing.T) func() Options {
	fsys := filteredFS(t, func(name string) bool { return name == "callback_delivery.feature" })
	return func() Options { return Options{FS: fsys, Profile: EmulatorProfile(), Emulator: true} }
}

// TestPushSourceFromHarnessRun: with Options.Pushes, the delivery scenarios pass against an
// emulator the runner did not start; the re-push scenario (the receiver fails nothing) and
// the Block scenario (the reply is that receiver's, not the scenario's) skip with their reasons.
func TestPushSourceFromHarnessRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a feature")
	}
	url, hub := harnessRunStyle(t, nil)
	o := deliveryFS(t)()
	o.Target, o.Pushes = url, hub
	res, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	skipReason := map[string]string{
		"callback_delivery.feature:AXB: pushes answered 503 are pushed again after a minute with the same body":                 "did not fail",
		"callback_delivery.feature:AX: A's SMS without an @number goes to the SMS control URL and is forwarded on vNumberRoute": "the Block reply is the target receiver's",
	}
	for _, s := range res.Scenarios {
		want, skip := skipReason[s.Key]
		switch {
		case skip && (s.Status != "skipped" || !strings.Contains(s.Error, "harness receive --rules") && !strings.Contains(s.Error, "accepted the first delivery")):
			t.Errorf("%s: %s %q, want skipped (%s)", s.Key, s.Status, s.Error, want)
		case !skip && s.Status != "passed":
			t.Errorf("%s: %s %s", s.Key, s.Status, s.Error)
		}
	}
	if res.Passed < 8 {
		t.Errorf("only %d scenarios passed", res.Passed)
	}
}

// TestNoPushSourceSkips: an emulator target without Options.Pushes skips the delivery
// scenarios at their first push step, with the reason.
func TestNoPushSourceSkips(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a feature")
	}
	url, stop, err := StartEmulator()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	o := deliveryFS(t)()
	o.Target = url
	res, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Scenarios) < 5 {
		t.Fatalf("only %d scenarios", len(res.Scenarios))
	}
	for _, s := range res.Scenarios {
		if s.Status != "skipped" || !strings.Contains(s.Error, "no push source") {
			t.Errorf("%s: %s %q, want skipped for lack of a push source", s.Key, s.Status, s.Error)
		}
	}
}

// TestPushChecksCanFail: the delivery steps fail when what arrives is wrong: a fee push whose
// signature did not verify, a callout event whose body differs from the simulated one.
func TestPushChecksCanFail(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a feature")
	}
	cases := []struct {
		name   string
		tags   string
		tamper func(*receiver.Arrival)
		want   string
	}{
		{"fee signature", "@rule:delivery:signature-aksk", func(a *receiver.Arrival) {
			if a.Kind == pns.NotifyFee {
				a.SignatureOK = false
			}
		}, "signature did not verify"},
		{"callout body", "@rule:delivery:signature-aksk", func(a *receiver.Arrival) {
			if a.EventType == pns.EventCallout {
				a.Body = bytes.Replace(a.Body, []byte(`"caller":"+86170`), []byte(`"caller":"+86171`), 1)
			}
		}, "but the simulator reported"},
		{"numStatus schema", "@rule:delivery:numstatus && @axb.bind", func(a *receiver.Arrival) {
			if a.Kind == pns.NotifyNumStatus {
				a.Violations = []string{"injected"}
			}
		}, "violates its schema"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			url, hub := harnessRunStyle(t, c.tamper)
			o := deliveryFS(t)()
			o.Target, o.Pushes, o.Tags = url, hub, c.tags
			res, err := Run(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Scenarios) != 1 {
				t.Fatalf("%d scenarios ran, want 1", len(res.Scenarios))
			}
			s := res.Scenarios[0]
			if s.Status != "failed" || !strings.Contains(s.Error, c.want) {
				t.Errorf("%s: %s %q, want failed with %q", s.Key, s.Status, s.Error, c.want)
			}
		})
	}
}
