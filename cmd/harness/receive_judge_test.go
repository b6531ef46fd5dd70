package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/assemble"
	"github.com/pns-harness/pns-harness/receiver"
)

// countThresholds are the default callback thresholds that do not depend on the machine's
// speed (the delay ones would make a test fail on a busy machine).
func countThresholds() []string {
	var args []string
	for _, th := range assemble.DefaultCallbackThresholds {
		if !strings.Contains(th, ".p") {
			args = append(args, "--threshold", th)
		}
	}
	return args
}

// TestReceiveValidTrafficOfEveryKind: an independent pusher sends what a correct platform
// sends (AXB, AX and AXE sequences, fee records before their disconnect, a batch of 50,
// optional fields absent, X-number status, SMS Notify and Block, both signature schemes):
// `harness receive` finds no anomaly and exits 0.
func TestReceiveValidTrafficOfEveryKind(t *testing.T) {
	rp := startReceive(t, append([]string{"--settle", "1ns", "--late-after", "10m"}, countThresholds()...)...)
	aksk, wsse := rp.pusher(false), rp.pusher(true)
	scenarios := [][]string{b1, b3, b4, b7, e1, e2}
	var pending []string // calls whose disconnect follows their fee record
	var fees []map[string]any
	for i := 0; i < 50; i++ {
		p := aksk
		if i%2 == 1 {
			p = wsse
		}
		sc := scenarios[i%len(scenarios)]
		s := p.call(sc[:len(sc)-1]...)
		pending = append(pending, s)
		fees = append(fees, feeInfo(pushKey, s, time.Now(), sc[len(sc)-2] == "answer", false))
	}
	aksk.pushOK(feeBatch(fees...)) // a full batch of 50, before the disconnects
	for i, s := range pending {
		p := aksk
		if i%2 == 0 {
			p = wsse
		}
		p.pushOK(callEvent("disconnect", s, "sub-1", time.Now()))
	}
	fees = nil
	for i := 0; i < 10; i++ { // optional fields absent: no subscriptionId, minimal fee records
		s := wsse.call()
		for _, e := range b4 {
			wsse.pushOK(callEvent(e, s, "", time.Now()))
		}
		fees = append(fees, feeInfo(pushKey, s, time.Now(), false, true))
	}
	wsse.pushOK(feeBatch(fees...))
	aksk.pushOK([]byte(`{"eventType":"numStatus","numInfo":[{"number":"+8617001100001","status":"10","cause":"2"},{"number":"+8617001100002","status":"5"}]}`))
	aksk.pushOK(smsBody(pushKey, "Notify", time.Now()))
	if got := wsse.push(smsBody(pushKey, "Block", time.Now())); got != http.StatusOK {
		t.Errorf("SMS Block answered %d", got)
	}
	code, out, rep := rp.stop()
	cb := assemble.Callbacks(rep, nil)
	if code != exitOK || cb.Counters.Total() != 0 || len(cb.Failures()) != 0 {
		t.Fatalf("exit %d, counters %+v, failures %v\n%s", code, cb.Counters, cb.Failures(), out)
	}
	s := rep.Sessions
	if s.Total != 60 || s.Judged != 60 || s.Incomplete != 0 || rep.Counters.MaxFeeBatch != 50 || rep.Counters.FeeRecords != 60 {
		t.Errorf("sessions %+v, fee records %d (max batch %d)", s, rep.Counters.FeeRecords, rep.Counters.MaxFeeBatch)
	}
	if rep.ByScheme["AKSK"] == 0 || rep.ByScheme["WSSE"] == 0 || rep.Counters.NumStatusChanges != 2 || rep.Counters.SMSNotify != 1 || rep.Counters.SMSBlock != 1 {
		t.Errorf("schemes %v, counters %+v", rep.ByScheme, rep.Counters)
	}
	if cb.MissingBasis != "pushes" || !strings.Contains(out, "missing 0, judged from the pushes") || !strings.Contains(out, "ok   callback.orphan==0") {
		t.Errorf("basis %q, output:\n%s", cb.MissingBasis, out)
	}
}

// TestReceiveCatchesEachFault: each fault class an independent pusher injects is counted in
// its row, named in the output and fails `harness receive` (exit 1; a late push breaks the
// default callback.late==0 threshold: exit 99).
func TestReceiveCatchesEachFault(t *testing.T) {
	old := func() time.Time { return time.Now().Add(-30 * time.Second) }
	for _, tc := range []struct {
		name  string
		push  func(a, w *pusher) string // returns the session to be named, if any
		check func(rep receiver.Report) bool
		code  int
		say   string
	}{
		{"missing callin", func(a, w *pusher) string {
			s := a.call(b1[1:]...)
			a.pushOK(feeBatch(feeInfo(pushKey, s, time.Now(), true, false)))
			return s
		}, func(r receiver.Report) bool { return r.ByType["callin"].Missing == 1 }, exitFailed, "missing callin"},
		{"missing answer although the fee record has an answer time", func(a, w *pusher) string {
			s := w.call(b3...)
			w.pushOK(feeBatch(feeInfo(pushKey, s, time.Now(), true, false)))
			return s
		}, func(r receiver.Report) bool { return r.ByType["answer"].Missing == 1 }, exitFailed, "missing answer"},
		{"missing disconnect", func(a, w *pusher) string {
			s := a.call(b1[:4]...)
			a.pushOK(feeBatch(feeInfo(pushKey, s, time.Now(), true, false)))
			return s
		}, func(r receiver.Report) bool { return r.ByType["disconnect"].Missing == 1 }, exitFailed, "missing disconnect"},
		{"missing fee record", func(a, w *pusher) string { return a.call(b7...) },
			func(r receiver.Report) bool { return r.ByType["fee"].Missing == 1 }, exitFailed, "missing fee"},
		{"orphan fee record", func(a, w *pusher) string {
			s := "orphan_1@test"
			w.pushOK(feeBatch(feeInfo(pushKey, s, time.Now(), false, false)))
			return s
		}, func(r receiver.Report) bool { return r.Sessions.Orphan == 1 }, exitFailed, "orphan-fee"},
		{"event after the disconnect", func(a, w *pusher) string {
			s := a.call(b7...)
			a.pushOK(callEvent("alerting", s, "sub-1", time.Now().Add(time.Minute)))
			a.pushOK(feeBatch(feeInfo(pushKey, s, time.Now(), false, false)))
			return s
		}, func(r receiver.Report) bool { return r.Sessions.AfterDisconnect == 1 }, exitFailed, "event-after-disconnect"},
		{"not JSON", func(a, w *pusher) string { a.pushOK([]byte(`{"eventType":"callin",`)); return "" },
			func(r receiver.Report) bool { return r.Counters.Invalid == 1 && len(r.Latency) == 0 }, exitFailed, "invalid"},
		{"wrong types", func(a, w *pusher) string {
			a.pushOK([]byte(`{"eventType":"callin","statusInfo":{"timestamp":"2026-01-01 00:00:00","sessionId":7,"caller":"a","called":"b"}}`))
			return ""
		}, func(r receiver.Report) bool { return r.Counters.Invalid == 1 && len(r.Latency) == 0 }, exitFailed, "invalid"},
		{"schema-invalid", func(a, w *pusher) string {
			a.pushOK([]byte(`{"eventType":"callin","statusInfo":{"timestamp":"2026-01-01 00:00:00","sessionId":"s"}}`))
			return ""
		}, func(r receiver.Report) bool { return r.Counters.Invalid == 1 && r.Counters.SchemaInvalid == 1 }, exitFailed, "invalid"},
		{"unknown event type", func(a, w *pusher) string {
			a.pushOK(callEvent("transfer", "s-unknown@test", "", time.Now()))
			return ""
		}, func(r receiver.Report) bool {
			_, row := r.ByType["transfer"]
			return r.Counters.Invalid == 1 && !row && len(r.Latency) == 0
		}, exitFailed, "invalid"},
		{"duplicate", func(a, w *pusher) string {
			s := a.call(b7...)
			fee := feeBatch(feeInfo(pushKey, s, time.Now(), false, false))
			a.pushOK(fee)
			w.pushOK(fee) // the same body again after its 200, freshly signed
			return ""
		}, func(r receiver.Report) bool {
			l, _ := r.LatencyFor(receiver.RefPlatform, "fee")
			return r.ByType["fee"].Duplicate == 1 && r.ByType["fee"].Received == 1 && l.Count == 1 && r.Counters.OutOfOrder == 0
		}, exitFailed, "callback duplicated"},
		{"bad signature", func(a, w *pusher) string {
			if got := a.pushAs(callEvent("callin", "s-forged@test", "", time.Now()), "guessed"); got != http.StatusUnauthorized {
				t.Errorf("forged push answered %d", got)
			}
			return ""
		}, func(r receiver.Report) bool { return r.Counters.BadSignature == 1 && r.Counters.Events == 0 }, exitFailed, "badly signed"},
		{"replayed signature", func(a, w *pusher) string {
			s := a.call(b7...)
			a.replay = a.last
			if got := a.push(feeBatch(feeInfo(pushKey, s, time.Now(), false, false))); got != http.StatusUnauthorized {
				t.Errorf("replayed headers answered %d", got)
			}
			return ""
		}, func(r receiver.Report) bool { return r.Counters.NonceReplays == 1 }, exitFailed, "nonce replayed"},
		{"late disconnect", func(a, w *pusher) string {
			s := "late_1@test"
			a.pushOK(callEvent("callin", s, "sub-1", old().Add(-time.Second)))
			a.pushOK(callEvent("disconnect", s, "sub-1", old()))
			a.pushOK(feeBatch(feeInfo(pushKey, s, time.Now(), false, false)))
			return ""
		}, func(r receiver.Report) bool { return r.ByType["disconnect"].Late == 1 && r.Counters.Late == 2 }, exitThreshold, "FAIL callback.late==0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rp := startReceive(t, "--settle", "1ns", "--late-after", "10s")
			a, w := rp.pusher(false), rp.pusher(true)
			a.t, w.t = t, t
			session := tc.push(a, w)
			code, out, rep := rp.stop()
			if code != tc.code || !tc.check(rep) {
				t.Errorf("exit %d (want %d), settle %v, counters %+v, sessions %+v, by type %+v\n%s", code, tc.code, rep.Settle, rep.Counters, rep.Sessions, rep.ByType, out)
			}
			if !strings.Contains(out, tc.say) || (session != "" && !strings.Contains(out, session)) {
				t.Errorf("output does not say %q (session %q):\n%s", tc.say, session, out)
			}
		})
	}
}
